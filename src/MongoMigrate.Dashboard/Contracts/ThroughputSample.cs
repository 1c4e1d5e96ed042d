namespace MongoMigrate.Dashboard.Contracts;

/// <summary>The job's rates at one moment.</summary>
public sealed record ThroughputSample(DateTimeOffset At, double BytesPerSecond, double DocumentsPerSecond, long Bytes, long Documents);
