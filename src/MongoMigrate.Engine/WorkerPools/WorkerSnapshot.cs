namespace MongoMigrate.Engine.WorkerPools;

/// <summary>One active worker as the CLI and the dashboard show it.</summary>
public sealed record WorkerSnapshot(
    string WorkerId,
    string CollectionKey,
    WorkerState State,
    DateTimeOffset StartedAt,
    string? WorkItem,
    DateTimeOffset LastProgressAt,
    long Documents,
    long Bytes,
    int Attempt);
