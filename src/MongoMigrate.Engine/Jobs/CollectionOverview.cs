using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Jobs;

/// <summary>One collection of a job in <see cref="JobOverview"/>.</summary>
public sealed record CollectionOverview
{
    public required string Source { get; init; }

    public required string Target { get; init; }

    public required CollectionStatus Status { get; init; }

    /// <summary>0 until the collection is planned.</summary>
    public int Chunks { get; init; }

    public int ChunksRestored { get; init; }

    public int ChunksFailed { get; init; }

    public long Documents { get; init; }

    public long Bytes { get; init; }

    public long EstimatedDocuments { get; init; }

    public long EstimatedBytes { get; init; }

    public string? Error { get; init; }

    public string? IndexErrors { get; init; }
}
