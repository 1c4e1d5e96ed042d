using System.Diagnostics;
using System.Threading.Channels;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Tests.WorkerPools;

/// <summary>Small helpers shared by the worker pool tests.</summary>
internal static class WorkerPoolTestSupport
{
    /// <summary>A failsafe, never the thing being measured: a test that needs it has already failed (deadlock).</summary>
    public static readonly TimeSpan Failsafe = TimeSpan.FromSeconds(30);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<T> WithFailsafe<T>(this Task<T> task) => task.WaitAsync(Failsafe, Ct);

    public static Task WithFailsafe(this Task task) => task.WaitAsync(Failsafe, Ct);

    public static Task<T> WithFailsafe<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Failsafe, Ct);

    /// <summary>Runs every item through the pool with a <see cref="WorkQueueRunner{TItem}"/>.</summary>
    public static Task<WorkQueueResult<TItem>> RunQueueAsync<TItem>(
        this WorkerPoolManager pool,
        IEnumerable<TItem> items,
        WorkQueueOptions<TItem> options,
        Func<TItem, WorkerContext, CancellationToken, Task> work,
        CancellationToken cancellationToken = default) =>
        new WorkQueueRunner<TItem>(pool, options, work).RunAsync(items, cancellationToken);

    /// <summary>Runs items from a channel through the pool until it is completed.</summary>
    public static Task<WorkQueueResult<TItem>> RunQueueAsync<TItem>(
        this WorkerPoolManager pool,
        ChannelReader<TItem> items,
        WorkQueueOptions<TItem> options,
        Func<TItem, WorkerContext, CancellationToken, Task> work,
        CancellationToken cancellationToken = default) =>
        new WorkQueueRunner<TItem>(pool, options, work).RunAsync(items, cancellationToken);

    /// <summary>
    /// Waits until asynchronous work reaches a state the test needs to observe (e.g. a dispatcher queued its
    /// acquire). Test-side only: the component itself never polls.
    /// </summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > Failsafe)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(1, Ct);
        }
    }

    /// <summary>A signal that completes once it has been hit <paramref name="count"/> times.</summary>
    public sealed class Countdown(int count)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = count;

        public Task Reached => _reached.Task;

        public void Signal()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _reached.TrySetResult();
            }
        }
    }
}
