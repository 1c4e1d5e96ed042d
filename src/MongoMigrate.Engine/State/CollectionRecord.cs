namespace MongoMigrate.Engine.State;

/// <summary>A collection of a job as stored.</summary>
public sealed record CollectionRecord
{
    public required string SourceNamespace { get; init; }

    public required string TargetNamespace { get; init; }

    public required CollectionStatus Status { get; init; }

    public long EstimatedCount { get; init; }

    public long EstimatedBytes { get; init; }

    public int ChunkCount { get; init; }

    /// <summary>Indexes that could not be built, and why (one line each).</summary>
    public string? IndexErrors { get; init; }

    /// <summary><see cref="IndexErrors"/> line by line; empty when every index was built.</summary>
    public IReadOnlyList<string> IndexErrorLines => IndexErrors is null ? [] : IndexErrors.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public string? Error { get; init; }

    /// <summary>Documents found identical on both sides when the collection was verified; null when it was not verified.</summary>
    public long? VerifiedDocuments { get; init; }

    /// <summary>
    /// The chunks that verification compared: fewer than the collection's for a sample (--verify sample), so a resumed
    /// run still calls its proof a sample; null when every chunk was compared (or for older jobs, which had no sample).
    /// </summary>
    public int? VerifiedChunks { get; init; }

    /// <summary>The source collection's UUID when the job found it; null when the server does not report one (or for older jobs).</summary>
    public Guid? SourceUuid { get; init; }

    /// <summary>The target collection's UUID once the job created (or adopted) it; null before.</summary>
    public Guid? TargetUuid { get; init; }
}
