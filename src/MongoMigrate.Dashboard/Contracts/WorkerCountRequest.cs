namespace MongoMigrate.Dashboard.Contracts;

/// <summary>Sets one pool's worker count: dump, restore or insertion (parallel inserts per chunk).</summary>
public sealed record WorkerCountRequest(string Pool, int Count);
