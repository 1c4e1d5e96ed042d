namespace MongoMigrate.Cluster.Jobs;

/// <summary>A collection of a cluster job: source and target, what discovery found (raw BSON options and indexes), its chunks.</summary>
[GenerateSerializer]
[Immutable]
public sealed record PlannedCollection
{
    [Id(0)]
    public required string SourceNamespace { get; init; }

    [Id(1)]
    public required string TargetNamespace { get; init; }

    [Id(2)]
    public long EstimatedCount { get; init; }

    [Id(3)]
    public long EstimatedBytes { get; init; }

    /// <summary>listCollections options as the source reported them (BSON bytes).</summary>
    [Id(4)]
    public required byte[] Options { get; init; }

    /// <summary>listIndexes specifications as the source reported them (BSON bytes each).</summary>
    [Id(5)]
    public required IReadOnlyList<byte[]> Indexes { get; init; }

    [Id(6)]
    public required IReadOnlyList<PlannedChunk> Chunks { get; init; }
}
