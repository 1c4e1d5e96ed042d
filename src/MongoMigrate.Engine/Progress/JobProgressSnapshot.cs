namespace MongoMigrate.Engine.Progress;

/// <summary>A job's progress at one moment.</summary>
public sealed record JobProgressSnapshot(
    string Phase,
    TimeSpan Elapsed,
    IReadOnlyList<CollectionProgress> Collections,
    long Documents,
    long Bytes,
    long EstimatedBytes,
    double DocumentsPerSecond,
    double BytesPerSecond,
    TimeSpan? Eta)
{
    /// <summary>Percent of the estimated bytes copied; capped below 100 until the job says it is done.</summary>
    public double Percent => Phase == "done" ? 100 : EstimatedBytes == 0 ? 0 : Math.Min(99.9, 100.0 * Bytes / EstimatedBytes);
}
