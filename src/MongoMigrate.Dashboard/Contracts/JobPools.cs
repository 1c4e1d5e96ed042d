namespace MongoMigrate.Dashboard.Contracts;

/// <summary>The coordinator's snapshot of a job's pools.</summary>
public sealed record JobPools(DateTimeOffset TakenAt, PoolView? Dump, PoolView? Restore);

/// <summary>One pool: the maximum it runs with, its load and counters, and its workers.</summary>
public sealed record PoolView(
    string Kind,
    int MaxWorkers,
    int Active,
    int Waiting,
    long Completed,
    long Failed,
    long Canceled,
    long Stuck,
    bool Adaptive,
    IReadOnlyList<WorkerView> Workers);

/// <summary>One worker: what it holds, since when, its last progress, stuck or not.</summary>
public sealed record WorkerView(
    string WorkerId,
    string Collection,
    string State,
    string? WorkItem,
    DateTimeOffset StartedAt,
    DateTimeOffset LastProgressAt,
    double RunningSeconds,
    double IdleSeconds,
    bool Stuck,
    long Documents,
    long Bytes,
    int Attempt);
