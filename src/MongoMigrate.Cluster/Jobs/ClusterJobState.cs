namespace MongoMigrate.Cluster.Jobs;

/// <summary>The job grain's durable state: the plan, every chunk and collection, the job's pool sizes (cluster-wide).</summary>
[GenerateSerializer]
public sealed class ClusterJobState
{
    [Id(0)]
    public ClusterJobPlan? Plan { get; set; }

    [Id(1)]
    public List<ChunkEntry> Chunks { get; set; } = [];

    [Id(2)]
    public List<CollectionEntry> Collections { get; set; } = [];

    [Id(3)]
    public int DumpWorkers { get; set; }

    [Id(4)]
    public int RestoreWorkers { get; set; }

    [Id(5)]
    public ClusterJobPhase Phase { get; set; }

    [Id(6)]
    public string? Error { get; set; }

    [Id(7)]
    public DateTimeOffset SubmittedAt { get; set; }

    [Id(8)]
    public DateTimeOffset? EndedAt { get; set; }
}
