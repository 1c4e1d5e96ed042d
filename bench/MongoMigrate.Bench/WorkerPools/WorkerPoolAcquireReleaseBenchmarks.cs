using BenchmarkDotNet.Attributes;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Bench.WorkerPools;

/// <summary>
/// Acquire plus release of a <see cref="WorkerPoolManager"/> slot against a bare <see cref="SemaphoreSlim"/>:
/// one worker (uncontended, the fast path) and 2, 16 and 64 concurrent workers on half as many slots.
/// Each worker releases right after acquiring, so this measures the limiter itself, not the work.
/// </summary>
[MemoryDiagnoser]
public class WorkerPoolAcquireReleaseBenchmarks
{
    private const int Operations = 16_384;
    private readonly CancellationTokenSource _cancellation = new();
    private SemaphoreSlim _semaphore = null!;
    private WorkerPoolManager _pool = null!;

    [Params(1, 2, 16, 64)]
    public int Workers { get; set; }

    /// <summary>Whether each acquire passes a cancellable token, as the engine does.</summary>
    [Params(false, true)]
    public bool Token { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var slots = Math.Max(1, Workers / 2);
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
            bench._semaphore.Release();
        }
    });

    [Benchmark(OperationsPerInvoke = Operations)]
    public Task WorkerPool() => RunWorkers(static async (bench, count, token) =>
    {
        for (var i = 0; i < count; i++)
        {
            var slot = await bench._pool.AcquireAsync(0, token).ConfigureAwait(false);
            slot.Dispose();
        }
    });

    private Task RunWorkers(Func<WorkerPoolAcquireReleaseBenchmarks, int, CancellationToken, Task> loop)
    {
        var token = Token ? _cancellation.Token : CancellationToken.None;
        if (Workers == 1)
        {
            return loop(this, Operations, token);
        }

        var workers = new Task[Workers];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(() => loop(this, Operations / Workers, token));
        }

        return Task.WhenAll(workers);
    }
}
