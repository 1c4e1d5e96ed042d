namespace MongoMigrate.Cluster.Jobs;

/// <summary>
/// A job as submitted to a cluster: where it copies from and to, how, and every collection with its chunks as the
/// engine's partitioner made them. The URIs are sealed with the cluster's key: the state never holds a password in clear.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record ClusterJobPlan
{
    [Id(0)]
    public required string JobId { get; init; }

    /// <summary>The source's URI, sealed with the cluster's key.</summary>
    [Id(1)]
    public required string SealedSource { get; init; }

    [Id(2)]
    public required string SealedTarget { get; init; }

    /// <summary>The source and target as they may be shown (passwords masked).</summary>
    [Id(3)]
    public required string Display { get; init; }

    /// <summary>True: dump-restore through each silo's own work folder; false: direct copy.</summary>
    [Id(4)]
    public bool DumpRestore { get; init; }

    [Id(5)]
    public int DumpWorkers { get; init; } = 4;

    [Id(6)]
    public int RestoreWorkers { get; init; } = 4;

    [Id(7)]
    public int InsertionWorkers { get; init; } = 2;

    [Id(8)]
    public bool Verify { get; init; } = true;

    [Id(9)]
    public required IReadOnlyList<PlannedCollection> Collections { get; init; }
}
