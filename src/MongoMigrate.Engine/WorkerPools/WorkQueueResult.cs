namespace MongoMigrate.Engine.WorkerPools;

/// <summary>What a work queue run did: items that succeeded, retries, stuck workers and the items that failed for good.</summary>
/// <param name="Succeeded">Items whose work completed without error.</param>
/// <param name="Retries">Runs started again after a retryable failure or a stuck worker.</param>
/// <param name="StuckWorkers">Runs the health check declared stuck.</param>
/// <param name="Failures">Items that failed for good; empty unless <see cref="WorkQueueFailureMode.ContinueOnFailure"/>.</param>
public sealed record WorkQueueResult<TItem>(int Succeeded, int Retries, int StuckWorkers, IReadOnlyList<WorkItemFailure<TItem>> Failures)
{
    public bool IsSuccess => Failures.Count == 0;
}
