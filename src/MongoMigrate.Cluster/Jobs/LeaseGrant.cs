namespace MongoMigrate.Cluster.Jobs;

/// <summary>
/// What a silo may do now: the chunks newly leased to it, the collections it is to finish (indexes, verification),
/// its share of the job's pools, and whether the job is over.
/// </summary>
[GenerateSerializer]
[Immutable]
public sealed record LeaseGrant
{
    [Id(0)]
    public IReadOnlyList<ChunkLease> Chunks { get; init; } = [];

    [Id(1)]
    public IReadOnlyList<int> Finishes { get; init; } = [];

    [Id(2)]
    public int DumpShare { get; init; }

    [Id(3)]
    public int RestoreShare { get; init; }

    /// <summary>True once every collection is completed or failed: the silo leaves the job.</summary>
    [Id(4)]
    public bool Ended { get; init; }
}
