using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.WorkerPools;
using static MongoMigrate.Engine.Tests.WorkerPools.WorkerPoolTestSupport;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class WorkerPoolMetricsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Recorded> _recorded = new();

    public WorkerPoolMetricsTests()
    {
        _coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 5 }, _time);

        // Only this coordinator's meter: tests running in parallel have meters of the same name.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _coordinator.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _coordinator.Dispose();
    }

    [Fact]
    public void The_meter_is_named_for_the_component()
    {
        Assert.Equal("MongoMigrate.WorkerPools", _coordinator.Meter.Name);
    }

    [Fact]
    public void Pool_levels_are_published_per_job_and_pool()
    {
        var dump = _coordinator.GetOrCreateDumpPool("job", 4);
        _coordinator.GetOrCreateRestorePool("job", 2);
        Assert.True(dump.TryAcquire(out _));

        _listener.RecordObservableInstruments();

        Assert.Equal(1, Single("mongomigrate.workerpool.active", "dump"));
        Assert.Equal(4, Single("mongomigrate.workerpool.max", "dump"));
        Assert.Equal(2, Single("mongomigrate.workerpool.max", "restore"));
        Assert.Equal(0, Single("mongomigrate.workerpool.waiting", "dump"));
        Assert.Equal(0.25, Single("mongomigrate.workerpool.utilization", "dump"));
        Assert.Equal(1, _recorded.Single(r => r.Name == "mongomigrate.workerpool.global.active").Value);
        Assert.Equal(5, _recorded.Single(r => r.Name == "mongomigrate.workerpool.global.max").Value);
    }

    [Fact]
    public void A_cleaned_up_job_is_no_longer_published()
    {
        _coordinator.GetOrCreateDumpPool("job", 4);
        _coordinator.CleanupJob("job");

        _listener.RecordObservableInstruments();

        Assert.DoesNotContain(_recorded, r => r.Job == "job");
    }

    [Fact]
    public async Task The_wait_for_a_slot_is_recorded_for_every_grant()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 1);
        Assert.True(pool.TryAcquire(out var held));
        var waiting = pool.AcquireAsync(cancellationToken: Ct);
        _time.Advance(TimeSpan.FromSeconds(2));

        held.Dispose();
        Assert.True(waiting.IsCompletedSuccessfully);
        (await waiting).Dispose();
        (await pool.AcquireAsync(cancellationToken: Ct)).Dispose();

        var waits = _recorded.Where(r => r.Name == "mongomigrate.workerpool.slot.wait").Select(r => r.Value).ToArray();
        Assert.Equal([2.0, 0.0], waits);
    }

    [Fact]
    public void Progress_is_counted_per_collection_and_outcomes_per_worker()
    {
        _coordinator.GetOrCreateRestorePool("job", 2);
        var worker = _coordinator.RegisterRestoreWorker("job", "db.orders", "restore-1", Ct);
        worker.ReportProgress(documents: 10, bytes: 1_000);
        worker.ReportProgress(documents: 5, bytes: 500);
        _time.Advance(TimeSpan.FromSeconds(3));
        _coordinator.MarkRestoreWorkerCompleted("job", "restore-1", WorkerOutcome.Failed);

        Assert.Equal(15, _recorded.Where(r => r.Name == "mongomigrate.workerpool.documents" && r.Collection == "db.orders").Sum(r => r.Value));
        Assert.Equal(1_500, _recorded.Where(r => r.Name == "mongomigrate.workerpool.bytes" && r.Collection == "db.orders").Sum(r => r.Value));
        var finished = _recorded.Single(r => r.Name == "mongomigrate.workerpool.workers.finished");
        Assert.Equal(("failed", 1.0), (finished.Outcome, finished.Value));
        Assert.Equal(3.0, _recorded.Single(r => r.Name == "mongomigrate.workerpool.worker.duration").Value);
    }

    [Fact]
    public void Stuck_workers_are_counted()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { StuckWorkerTimeout = TimeSpan.FromSeconds(10) }, _time);
        using var listener = new MeterListener();
        long stuck = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, coordinator.Meter) && instrument.Name == "mongomigrate.workerpool.workers.stuck")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref stuck, value));
        listener.Start();
        coordinator.GetOrCreateDumpPool("job", 1);
        coordinator.RegisterDumpWorker("job", "db.coll", "dump-1", Ct);

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(1, Interlocked.Read(ref stuck));
    }

    private double Single(string name, string pool) =>
        _recorded.Single(r => r.Name == name && r.Job == "job" && r.Pool == pool).Value;

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        string? Tag(string key, ReadOnlySpan<KeyValuePair<string, object?>> all)
        {
            foreach (var tag in all)
            {
                if (tag.Key == key)
                {
                    return tag.Value as string;
                }
            }

            return null;
        }

        _recorded.Enqueue(new Recorded(
            instrument.Name,
            Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture),
            Tag("mongomigrate.job", tags),
            Tag("mongomigrate.pool", tags),
            Tag("mongomigrate.collection", tags),
            Tag("mongomigrate.outcome", tags)));
    }

    private sealed record Recorded(string Name, double Value, string? Job, string? Pool, string? Collection, string? Outcome);
}
