namespace MongoMigrate.Engine.Partitioning;

/// <summary>How collections are split: the target chunk size and how many _id samples to take.</summary>
public sealed record ChunkPlannerOptions
{
    /// <summary>The default chunk size, as mongosync and the seed tool use roughly.</summary>
    public const long DefaultChunkSizeBytes = 64L * 1024 * 1024;

    public long ChunkSizeBytes { get; init; } = DefaultChunkSizeBytes;

    /// <summary>Samples per planned chunk: more gives evener chunks, at the price of a longer $sample.</summary>
    public int SamplesPerChunk { get; init; } = 20;

    /// <summary>Upper bound on one $sample, so planning stays fast on huge collections.</summary>
    public int MaxSamples { get; init; } = 10_000;

    /// <summary>
    /// $sample reads randomly only while the sample is under 5% of the collection; above that the
    /// server scans and sorts. Samples stay under this share of the documents.
    /// </summary>
    public double MaxSampleFraction { get; init; } = 0.04;
}
