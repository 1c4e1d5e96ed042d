namespace MongoMigrate.Bench.Migration.Data;

/// <summary>What a <see cref="SourceWriteLoad"/> did: operations sent, over how long, and the bulk writes that failed.</summary>
public sealed record WriteLoadResult(long Operations, double Seconds, long Failures, string? LastFailure)
{
    public double OperationsPerSecond => Seconds > 0 ? Operations / Seconds : 0;
}
