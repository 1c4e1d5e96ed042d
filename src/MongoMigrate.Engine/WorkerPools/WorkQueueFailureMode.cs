namespace MongoMigrate.Engine.WorkerPools;

/// <summary>What a work queue does when an item fails for good (not retryable, or out of attempts).</summary>
public enum WorkQueueFailureMode
{
    /// <summary>Stop dispatching, cancel running items, wait for them, then throw <see cref="WorkItemFailedException"/>.</summary>
    StopOnFirstFailure,

    /// <summary>Run every other item and report the failures in <see cref="WorkQueueResult{TItem}.Failures"/>; never throws for them.</summary>
    ContinueOnFailure,
}
