namespace MongoMigrate.Engine.State;

/// <summary>The worker counts a job runs with; a resumed job comes back with the last ones it ran with.</summary>
public sealed record PoolSettings(int DumpWorkers, int RestoreWorkers, int InsertionWorkers);
