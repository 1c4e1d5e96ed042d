namespace MongoMigrate.Engine.WorkerPools;

/// <summary>The read-only monitoring model of a coordinator: the global limit and every job's pools, for the CLI and the dashboard.</summary>
public sealed record WorkerPoolsSnapshot(
    DateTimeOffset TakenAt,
    int GlobalMaxWorkers,
    int GlobalActive,
    IReadOnlyList<JobWorkerPoolsSnapshot> Jobs);
