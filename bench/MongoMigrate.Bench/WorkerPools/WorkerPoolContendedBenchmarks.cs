using BenchmarkDotNet.Attributes;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Bench.WorkerPools;

/// <summary>
/// Contended acquire plus release where each worker holds its slot across an await (as a real worker does),
/// so half the acquires wait and are woken by a release: the slow path, against a bare <see cref="SemaphoreSlim"/>.
/// </summary>
[MemoryDiagnoser]
public class WorkerPoolContendedBenchmarks
{
    private const int Operations = 8_192;
    private readonly CancellationTokenSource _cancellation = new();
    private SemaphoreSlim _semaphore = null!;
    private WorkerPoolManager _pool = null!;

    [Params(2, 16, 64)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var slots = Workers / 2;
        _semaphore = new SemaphoreSlim(slots, slots);
        _pool = new WorkerPoolManager("bench", WorkerPoolKind.Dump, slots);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _semaphore.Dispose();
        _pool.Dispose();
        _cancellation.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public Task SemaphoreSlim() => RunWorkers(static async (bench, count, token) =>
    {
        for (var i = 0; i < count; i++)
        {
            await bench._semaphore.WaitAsync(token).ConfigureAwait(false);
            await Task.Yield();
            bench._semaphore.Release();
        }
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public Task WorkerPool() => RunWorkers(static async (bench, count, token) =>
    {
        for (var i = 0; i < count; i++)
        {
            var slot = await bench._pool.AcquireAsync(0, token).ConfigureAwait(false);
            await Task.Yield();
            slot.Dispose();
        }
    });

    private Task RunWorkers(Func<WorkerPoolContendedBenchmarks, int, CancellationToken, Task> loop)
    {
        var workers = new Task[Workers];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(() => loop(this, Operations / Workers, _cancellation.Token));
        }

        return Task.WhenAll(workers);
    }
}
