namespace MongoMigrate.Cluster.Jobs;

/// <summary>A cluster job as `jobs --cluster` and a follower show it: chunks by phase, who holds and who copied what.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ClusterJobStatus
{
    [Id(0)]
    public required string JobId { get; init; }

    [Id(1)]
    public ClusterJobPhase Phase { get; init; }

    [Id(2)]
    public string? Error { get; init; }

    [Id(3)]
    public int Chunks { get; init; }

    [Id(4)]
    public int Pending { get; init; }

    [Id(5)]
    public int Leased { get; init; }

    [Id(6)]
    public int Done { get; init; }

    [Id(7)]
    public int Failed { get; init; }

    [Id(8)]
    public long Documents { get; init; }

    [Id(9)]
    public long Bytes { get; init; }

    /// <summary>Leases held now, by silo.</summary>
    [Id(10)]
    public IReadOnlyDictionary<string, int> LeasesBySilo { get; init; } = new Dictionary<string, int>();

    /// <summary>Chunks copied, by the silo that copied them.</summary>
    [Id(11)]
    public IReadOnlyDictionary<string, int> DoneBySilo { get; init; } = new Dictionary<string, int>();

    /// <summary>Chunks that were leased again after their silo died or left.</summary>
    [Id(12)]
    public int Reclaimed { get; init; }

    [Id(13)]
    public int DumpWorkers { get; init; }

    [Id(14)]
    public int RestoreWorkers { get; init; }

    [Id(15)]
    public string Display { get; init; } = string.Empty;

    /// <summary>The silo the job grain lives on now (it moves when that silo dies or stops).</summary>
    [Id(16)]
    public string? GrainSilo { get; init; }

    public bool Ended => Phase != ClusterJobPhase.Running;
}
