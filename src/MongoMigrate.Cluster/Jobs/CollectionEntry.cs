namespace MongoMigrate.Cluster.Jobs;

/// <summary>A collection in the job grain's state.</summary>
[GenerateSerializer]
public sealed class CollectionEntry
{
    [Id(0)]
    public ClusterCollectionPhase Phase { get; set; }

    /// <summary>The silo finishing it (indexes, verification) while Finishing.</summary>
    [Id(1)]
    public string? Silo { get; set; }

    [Id(2)]
    public long? VerifiedDocuments { get; set; }

    [Id(3)]
    public string? Error { get; set; }
}
