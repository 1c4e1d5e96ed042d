using System.Threading.Channels;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Runs a collection's work items (e.g. chunks) through a shared pool: as many at once as the pool grants, each tracked as a worker.</summary>
/// <remarks>
/// Each item is dispatched when the pool grants a slot at the queue's priority, registered as a worker
/// (so it shows in the snapshot and the health check watches it), marked completed and its slot released
/// when its work returns. Retryable failures and stuck workers hand the item back while attempts remain.
/// Live resizes of the pool apply at once. A runner holds no state between runs and can run several
/// queues, one after the other or at the same time.
/// </remarks>
public sealed class WorkQueueRunner<TItem>
{
    private readonly Func<TItem, WorkerContext, CancellationToken, Task> _work;

    /// <param name="pool">The job's dump or restore pool, from the coordinator.</param>
    /// <param name="options">Collection, priority and retry rule.</param>
    /// <param name="work">
    /// Runs one item. It should report progress through the context (which resets the stuck-worker clock)
    /// and honour the token, which is cancelled when the run is, or when the worker is declared stuck.
    /// </param>
    public WorkQueueRunner(WorkerPoolManager pool, WorkQueueOptions<TItem> options, Func<TItem, WorkerContext, CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(work);
        options.Validate();
        Pool = pool;
        Options = options;
        _work = work;
    }

    public WorkerPoolManager Pool { get; }

    public WorkQueueOptions<TItem> Options { get; }

    /// <summary>Runs every item of a sequence, enumerated lazily as slots free up; completes when all are done.</summary>
    /// <exception cref="WorkItemFailedException">An item failed for good and the mode is <see cref="WorkQueueFailureMode.StopOnFirstFailure"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; running items were cancelled and waited for.</exception>
    public Task<WorkQueueResult<TItem>> RunAsync(IEnumerable<TItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new WorkQueueRun<TItem>(Pool, Options, _work, new EnumerableWorkSource<TItem>(items), cancellationToken).RunAsync(cancellationToken);
    }

    /// <summary>Runs items as a producer writes them to a channel; completes when the channel is completed and every item is done.</summary>
    /// <exception cref="WorkItemFailedException">An item failed for good and the mode is <see cref="WorkQueueFailureMode.StopOnFirstFailure"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; running items were cancelled and waited for.</exception>
    public Task<WorkQueueResult<TItem>> RunAsync(ChannelReader<TItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new WorkQueueRun<TItem>(Pool, Options, _work, new ChannelWorkSource<TItem>(items), cancellationToken).RunAsync(cancellationToken);
    }
}
