using System.Threading.Channels;

namespace MongoMigrate.Engine.WorkerPools;

// Shorthands for the engine: run one collection's items through this pool.
public sealed partial class WorkerPoolManager
{
    /// <summary>Runs every item through this pool; see <see cref="WorkQueueRunner{TItem}"/>.</summary>
    public Task<WorkQueueResult<TItem>> RunAsync<TItem>(
        IEnumerable<TItem> items,
        WorkQueueOptions<TItem> options,
        Func<TItem, WorkerContext, CancellationToken, Task> work,
        CancellationToken cancellationToken = default) =>
        new WorkQueueRunner<TItem>(this, options, work).RunAsync(items, cancellationToken);

    /// <summary>Runs items from a channel through this pool until it is completed; see <see cref="WorkQueueRunner{TItem}"/>.</summary>
    public Task<WorkQueueResult<TItem>> RunAsync<TItem>(
        ChannelReader<TItem> items,
        WorkQueueOptions<TItem> options,
        Func<TItem, WorkerContext, CancellationToken, Task> work,
        CancellationToken cancellationToken = default) =>
        new WorkQueueRunner<TItem>(this, options, work).RunAsync(items, cancellationToken);
}
