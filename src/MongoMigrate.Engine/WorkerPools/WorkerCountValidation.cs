namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Whether a requested worker count is acceptable and what it would change, with a reason a user can read when it is not.</summary>
public readonly record struct WorkerCountValidation(bool IsValid, int CurrentCount, int RequestedCount, int MaxWorkers, string? Error)
{
    /// <summary>Valid and different from the current count.</summary>
    public bool IsChange => IsValid && RequestedCount != CurrentCount;

    /// <summary>Workers added (positive) or removed (negative) if applied.</summary>
    public int Delta => RequestedCount - CurrentCount;
}
