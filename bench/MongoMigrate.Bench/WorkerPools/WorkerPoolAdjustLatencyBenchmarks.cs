using BenchmarkDotNet.Attributes;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Bench.WorkerPools;

/// <summary>
/// Time from raising a paused pool's worker count to the waiting worker running. Each operation: a worker
/// is suspended on an acquire from a pool at 0, the count is raised to 1, the worker's continuation runs on
/// the thread pool (one hop, as for any real waiter) and releases, and the count goes back to 0. The figure
/// is therefore an upper bound of the raise-to-running latency. The baseline is the same hand-off through
/// a bare semaphore: a suspended waiter, a release, the waiter running.
/// </summary>
[MemoryDiagnoser]
public class WorkerPoolAdjustLatencyBenchmarks
{
    private const string JobId = "bench";
    private readonly CancellationTokenSource _cancellation = new();
    private readonly WorkQueueOptions<int> _queue = new() { CollectionKey = "db.coll" };
    private readonly int[] _oneItem = [1];
    private WorkerPoolCoordinator _coordinator = null!;
    private WorkerPoolManager _pool = null!;
    private SemaphoreSlim _semaphore = null!;

    [GlobalSetup]
    public void Setup()
    {
        _coordinator = new WorkerPoolCoordinator();
        _pool = _coordinator.GetOrCreateDumpPool(JobId, 0);
        _semaphore = new SemaphoreSlim(0, 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _coordinator.Dispose();
        _semaphore.Dispose();
        _cancellation.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task SemaphoreSlimReleaseToWaiterRunning()
    {
        var waiter = WaitOnSemaphoreAsync();
        _semaphore.Release();
        await waiter.ConfigureAwait(false);
    }

    [Benchmark]
    public async Task AdjustDumpWorkersToWaiterRunning()
    {
        var waiter = WaitOnPoolAsync();
        _coordinator.AdjustDumpWorkers(JobId, 1);
        await waiter.ConfigureAwait(false);
        _coordinator.AdjustDumpWorkers(JobId, 0);
    }

    /// <summary>Through a work queue: its dispatcher waits for a slot, the raise lets it start the item's work.</summary>
    [Benchmark]
    public async Task AdjustDumpWorkersToQueuedItemRunning()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new WorkQueueRunner<int>(_pool, _queue, (_, _, _) =>
        {
            started.TrySetResult();
            return Task.CompletedTask;
        }).RunAsync(_oneItem, _cancellation.Token);
        _coordinator.AdjustDumpWorkers(JobId, 1);
        await started.Task.ConfigureAwait(false);
        await run.ConfigureAwait(false);
        _coordinator.AdjustDumpWorkers(JobId, 0);
    }

    private async Task WaitOnSemaphoreAsync() => await _semaphore.WaitAsync(_cancellation.Token).ConfigureAwait(false);

    private async Task WaitOnPoolAsync()
    {
        var slot = await _pool.AcquireAsync(0, _cancellation.Token).ConfigureAwait(false);
        slot.Dispose();
    }
}
