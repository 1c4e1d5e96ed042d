using BenchmarkDotNet.Attributes;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Bench.WorkerPools;

/// <summary>
/// Completing a thousand or a million tracked workers (the seed's register / mark-completed flow, at most
/// eight at once): time and allocation per worker, and memory retained afterwards, which must not grow
/// with the number of workers. The retained figure is printed by the cleanup as a line starting "// retained".
/// </summary>
[MemoryDiagnoser]
public class WorkerPoolTrackingBenchmarks
{
    private const string JobId = "bench";
    private const int Concurrency = 8;
    private readonly string[] _running = new string[Concurrency];
    private WorkerPoolCoordinator _coordinator = null!;
    private WorkerPoolManager _pool = null!;
    private long _baseline;
    private long _completed;

    [Params(1_000, 1_000_000)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _coordinator = new WorkerPoolCoordinator();
        _pool = _coordinator.GetOrCreateDumpPool(JobId, Concurrency);
        _baseline = GC.GetTotalMemory(forceFullCollection: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var retained = GC.GetTotalMemory(forceFullCollection: true) - _baseline;
        Console.WriteLine(
            $"// retained {retained:N0} bytes after {_completed:N0} completed workers ({Workers:N0} per operation); active workers {_pool.ActiveWorkerCount}");
        _coordinator.Dispose();
    }

    [Benchmark(OperationsPerInvoke = 1)]
    public void RegisterAndCompleteWorkers()
    {
        for (var i = 0; i < Workers; i++)
        {
            var lane = i % Concurrency;
            if (_running[lane] is { } previous)
            {
                _coordinator.MarkDumpWorkerCompleted(JobId, previous);
            }

            var id = _pool.NextWorkerId();
            _coordinator.RegisterDumpWorker(JobId, "db.coll", id).ReportProgress(1, 100);
            _running[lane] = id;
        }

        for (var lane = 0; lane < Concurrency; lane++)
        {
            _coordinator.MarkDumpWorkerCompleted(JobId, _running[lane]);
            _running[lane] = null!;
        }

        _completed += Workers;
    }
}
