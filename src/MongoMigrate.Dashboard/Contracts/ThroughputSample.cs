namespace MongoMigrate.Dashboard.Contracts;

/// <summary>The job's rates at one moment, and an online job's lag and change events applied per second.</summary>
public sealed record ThroughputSample(DateTimeOffset At, double BytesPerSecond, double DocumentsPerSecond, long Bytes, long Documents, double? LagSeconds = null, double? EventsPerSecond = null);
