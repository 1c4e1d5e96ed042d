using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>The coordinator's instruments on the <c>MongoMigrate.WorkerPools</c> meter: pool load, slot wait, worker outcomes, per-collection throughput.</summary>
/// <remarks>Levels (active, max, waiting, utilization) are observable gauges read from the pools on collection, so the hot path pays nothing for them.</remarks>
internal sealed class WorkerPoolMetrics : IDisposable
{
    public const string MeterName = "MongoMigrate.WorkerPools";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly Histogram<double> _slotWait;
    private readonly Counter<long> _workersFinished;
    private readonly Histogram<double> _workerDuration;
    private readonly Counter<long> _workersStuck;
    private readonly Counter<long> _documents;
    private readonly Counter<long> _bytes;

    public WorkerPoolMetrics(IMeterFactory? meterFactory, WorkerPoolCoordinator coordinator)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _coordinator = coordinator;

        _meter.CreateObservableGauge("mongomigrate.workerpool.active", () => Observe(static p => p.ActiveCount), "{worker}", "Slots held in the pool.");
        _meter.CreateObservableGauge("mongomigrate.workerpool.max", () => Observe(static p => p.MaxWorkers), "{worker}", "The pool's maximum number of workers.");
        _meter.CreateObservableGauge("mongomigrate.workerpool.waiting", () => Observe(static p => p.WaitingCount), "{worker}", "Acquires waiting for a slot.");
        _meter.CreateObservableGauge(
            "mongomigrate.workerpool.utilization",
            ObserveUtilization,
            "1",
            "Active over maximum workers (above 1 while a lowered maximum drains; 0 when paused).");
        _meter.CreateObservableGauge("mongomigrate.workerpool.global.active", () => _coordinator.GlobalLimit.ActiveCount, "{worker}", "Slots held across all pools.");
        _meter.CreateObservableGauge(
            "mongomigrate.workerpool.global.max",
            () => _coordinator.GlobalLimit.MaxWorkers,
            "{worker}",
            "The process-wide maximum (int.MaxValue when unlimited).");
        _slotWait = _meter.CreateHistogram<double>("mongomigrate.workerpool.slot.wait", "s", "Time from asking for a slot to getting it.");
        _workersFinished = _meter.CreateCounter<long>("mongomigrate.workerpool.workers.finished", "{worker}", "Workers marked completed, by outcome.");
        _workerDuration = _meter.CreateHistogram<double>("mongomigrate.workerpool.worker.duration", "s", "Run time of a worker, from register to completed.");
        _workersStuck = _meter.CreateCounter<long>("mongomigrate.workerpool.workers.stuck", "{worker}", "Workers the health check declared stuck.");
        _documents = _meter.CreateCounter<long>("mongomigrate.workerpool.documents", "{document}", "Documents reported by workers, per collection.");
        _bytes = _meter.CreateCounter<long>("mongomigrate.workerpool.bytes", "By", "Bytes reported by workers, per collection.");
    }

    internal Meter Meter => _meter;

    public void RecordSlotWait(WorkerPoolManager pool, TimeSpan wait)
    {
        if (_slotWait.Enabled)
        {
            _slotWait.Record(wait.TotalSeconds, PoolTags(pool));
        }
    }

    public void RecordProgress(WorkerPoolManager pool, string collectionKey, long documents, long bytes)
    {
        if (_documents.Enabled || _bytes.Enabled)
        {
            var tags = CollectionTags(pool, collectionKey);
            _documents.Add(documents, tags);
            _bytes.Add(bytes, tags);
        }
    }

    public void RecordWorkerFinished(WorkerPoolManager pool, string collectionKey, WorkerOutcome outcome, TimeSpan duration)
    {
        if (_workersFinished.Enabled || _workerDuration.Enabled)
        {
            var tags = CollectionTags(pool, collectionKey);
            _workerDuration.Record(duration.TotalSeconds, tags);
            tags.Add("mongomigrate.outcome", outcome switch
            {
                WorkerOutcome.Succeeded => "succeeded",
                WorkerOutcome.Failed => "failed",
                _ => "canceled",
            });
            _workersFinished.Add(1, tags);
        }
    }

    public void RecordStuck(WorkerPoolManager pool, string collectionKey) => _workersStuck.Add(1, CollectionTags(pool, collectionKey));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static TagList PoolTags(WorkerPoolManager pool) => new()
    {
        { "mongomigrate.job", pool.JobId },
        { "mongomigrate.pool", pool.KindName },
    };

    private static TagList CollectionTags(WorkerPoolManager pool, string collectionKey) => new()
    {
        { "mongomigrate.job", pool.JobId },
        { "mongomigrate.pool", pool.KindName },
        { "mongomigrate.collection", collectionKey },
    };

    private IEnumerable<Measurement<int>> Observe(Func<WorkerPoolManager, int> read)
    {
        foreach (var pool in _coordinator.GetPools())
        {
            yield return new Measurement<int>(read(pool), PoolTags(pool));
        }
    }

    private IEnumerable<Measurement<double>> ObserveUtilization()
    {
        foreach (var pool in _coordinator.GetPools())
        {
            var max = pool.MaxWorkers;
            yield return new Measurement<double>(max == 0 ? 0 : (double)pool.ActiveCount / max, PoolTags(pool));
        }
    }
}
