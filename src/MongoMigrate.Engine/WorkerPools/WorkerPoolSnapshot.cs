namespace MongoMigrate.Engine.WorkerPools;

/// <summary>One pool at one moment: its limits, its counters and its active workers.</summary>
/// <remarks>Slot counts and the worker list are read under different locks, so they may differ by a worker that is starting or ending.</remarks>
public sealed record WorkerPoolSnapshot(
    string JobId,
    WorkerPoolKind Kind,
    int MaxWorkers,
    int Active,
    int Waiting,
    long Completed,
    long Failed,
    long Canceled,
    long Stuck,
    bool AdaptiveScaling,
    IReadOnlyList<WorkerSnapshot> Workers);
