namespace MongoMigrate.Engine.WorkerPools;

/// <summary>An item that failed for good: the item, how many times it ran, and the last error.</summary>
public sealed record WorkItemFailure<TItem>(TItem Item, int Attempts, Exception Exception);
