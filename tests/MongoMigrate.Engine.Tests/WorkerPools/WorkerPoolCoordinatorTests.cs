using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.WorkerPools;
using static MongoMigrate.Engine.Tests.WorkerPools.WorkerPoolTestSupport;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class WorkerPoolCoordinatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_job_gets_one_dump_and_one_restore_pool_shared_by_every_caller()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);

        var dump = coordinator.GetOrCreateDumpPool("job", 4);
        var dumpAgain = coordinator.GetOrCreateDumpPool("job", 16);
        var restore = coordinator.GetOrCreateRestorePool("job", 2);

        Assert.Same(dump, dumpAgain);
        Assert.Equal(4, dumpAgain.MaxWorkers);
        Assert.NotSame(dump, restore);
        Assert.Equal(WorkerPoolKind.Dump, dump.Kind);
        Assert.Equal(WorkerPoolKind.Restore, restore.Kind);
        Assert.Equal(["job"], coordinator.JobIds);
    }

    [Fact]
    public void Two_jobs_never_share_a_pool()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);

        var a = coordinator.GetOrCreateDumpPool("job-a", 4);
        var b = coordinator.GetOrCreateDumpPool("job-b", 4);
        Assert.True(a.TryAcquire(out _));

        Assert.NotSame(a, b);
        Assert.Equal("job-a", a.JobId);
        Assert.Equal("job-b", b.JobId);
        Assert.Equal(0, b.ActiveCount);
    }

    [Fact]
    public void Two_coordinators_are_isolated_from_each_other()
    {
        using var first = new WorkerPoolCoordinator(timeProvider: _time);
        using var second = new WorkerPoolCoordinator(timeProvider: _time);

        var pool = first.GetOrCreateDumpPool("job", 2);
        first.RegisterDumpWorker("job", "db.coll", "w1", cancellationToken: Ct);

        Assert.NotSame(pool, second.GetOrCreateDumpPool("job", 2));
        Assert.Equal(1, first.GetActiveDumpWorkerCount("job"));
        Assert.Equal(0, second.GetActiveDumpWorkerCount("job"));
    }

    [Fact]
    public void Workers_are_tracked_with_their_metadata_until_marked_completed()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        coordinator.GetOrCreateDumpPool("job", 4);
        coordinator.GetOrCreateRestorePool("job", 4);

        var worker = coordinator.RegisterDumpWorker("job", "db.orders", "dump-1", cancellationToken: Ct);
        coordinator.RegisterDumpWorker("job", "db.users", "dump-2", cancellationToken: Ct);
        coordinator.RegisterRestoreWorker("job", "db.orders", "restore-1", cancellationToken: Ct);
        worker.SetWorkItem("chunk 7: [100, 200)");
        _time.Advance(TimeSpan.FromSeconds(3));
        worker.ReportProgress(documents: 50, bytes: 4_096);

        Assert.Equal(2, coordinator.GetActiveDumpWorkerCount("job"));
        Assert.Equal(1, coordinator.GetActiveRestoreWorkerCount("job"));
        var tracked = coordinator.GetJobSnapshot("job")!.Dump!.Workers.Single(w => w.WorkerId == "dump-1");
        Assert.Equal(
            new WorkerSnapshot("dump-1", "db.orders", WorkerState.Running, _time.Start, "chunk 7: [100, 200)", _time.Start.AddSeconds(3), 50, 4_096, 1),
            tracked);
        Assert.Equal("job", worker.JobId);
        Assert.Equal(WorkerPoolKind.Dump, worker.PoolKind);

        Assert.True(coordinator.MarkDumpWorkerCompleted("job", "dump-1"));
        Assert.True(coordinator.MarkDumpWorkerCompleted("job", "dump-2", WorkerOutcome.Failed));
        Assert.True(coordinator.MarkRestoreWorkerCompleted("job", "restore-1", WorkerOutcome.Canceled));
        Assert.False(coordinator.MarkDumpWorkerCompleted("job", "dump-1"));

        var snapshot = coordinator.GetJobSnapshot("job")!;
        Assert.Empty(snapshot.Dump!.Workers);
        Assert.Equal((1L, 1L), (snapshot.Dump.Completed, snapshot.Dump.Failed));
        Assert.Equal(1L, snapshot.Restore!.Canceled);
        Assert.Equal(WorkerState.Succeeded, worker.State);
        Assert.Equal(0, coordinator.GetActiveDumpWorkerCount("job"));
    }

    [Fact]
    public void Registering_needs_the_pool_and_a_unique_worker_id()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);

        Assert.Throws<InvalidOperationException>(() => coordinator.RegisterDumpWorker("job", "db.coll", "w1", cancellationToken: Ct));
        coordinator.GetOrCreateDumpPool("job", 1);
        coordinator.RegisterDumpWorker("job", "db.coll", "w1", cancellationToken: Ct);
        Assert.Throws<InvalidOperationException>(() => coordinator.RegisterDumpWorker("job", "db.other", "w1", cancellationToken: Ct));
        Assert.Equal(1, coordinator.GetActiveDumpWorkerCount("job"));
        Assert.Equal(0, coordinator.GetActiveDumpWorkerCount("unknown-job"));
    }

    [Fact]
    public void Tracking_stays_flat_however_many_workers_complete()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var pool = coordinator.GetOrCreateDumpPool("job", 8);
        var running = new Queue<string>();

        for (var i = 0; i < 100_000; i++)
        {
            if (running.Count == 8)
            {
                Assert.True(pool.MarkWorkerCompleted(running.Dequeue()));
            }

            var id = pool.NextWorkerId();
            pool.RegisterWorker("db.coll", id, cancellationToken: Ct).ReportProgress(1, 100);
            running.Enqueue(id);
        }

        while (running.Count > 0)
        {
            pool.MarkWorkerCompleted(running.Dequeue());
        }

        Assert.Equal(0, pool.ActiveWorkerCount);
        Assert.Equal(100_000, pool.CompletedCount);
        Assert.InRange(pool.TrackingTableCapacity, 8, 32);
    }

    [Fact]
    public void AdjustDumpWorkers_resizes_the_pool_and_spawns_outside_the_lock()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { MaxWorkersPerPool = 10 }, _time);
        var pool = coordinator.GetOrCreateDumpPool("job", 2);
        var spawned = new List<string>();

        var up = coordinator.AdjustDumpWorkers("job", 5, id =>
        {
            Assert.False(pool.IsLockHeldByCurrentThread);
            Assert.Equal(5, pool.MaxWorkers);
            spawned.Add(id);
            coordinator.RegisterDumpWorker("job", "db.coll", id, cancellationToken: Ct);
        });
        var down = coordinator.AdjustDumpWorkers("job", 3, spawned.Add);

        Assert.Equal(new WorkerAdjustment("job", WorkerPoolKind.Dump, 2, 5, 3), up);
        Assert.Equal(new WorkerAdjustment("job", WorkerPoolKind.Dump, 5, 3, 0), down);
        Assert.Equal(3, spawned.Distinct().Count());
        Assert.Equal(3, coordinator.GetActiveDumpWorkerCount("job"));
        Assert.Equal(3, pool.MaxWorkers);
        Assert.Throws<ArgumentOutOfRangeException>(() => coordinator.AdjustDumpWorkers("job", 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => coordinator.AdjustDumpWorkers("job", -1));
        Assert.Throws<InvalidOperationException>(() => coordinator.AdjustRestoreWorkers("no-such-job", 1));
    }

    [Fact]
    public void AdjustRestoreWorkers_can_pause_and_resume_the_restore_pool()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var pool = coordinator.GetOrCreateRestorePool("job", 2);

        coordinator.AdjustRestoreWorkers("job", 0);
        var waiting = pool.AcquireAsync(cancellationToken: Ct);
        Assert.False(waiting.IsCompleted);
        var resumed = coordinator.AdjustRestoreWorkers("job", 2);

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.True(resumed.Changed);
    }

    [Fact]
    public async Task CleanupJob_leaves_nothing_behind()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var dump = coordinator.GetOrCreateDumpPool("job", 1);
        coordinator.GetOrCreateRestorePool("job", 1);
        coordinator.GetOrCreateDumpPool("other", 1);
        var worker = coordinator.RegisterDumpWorker("job", "db.coll", "w1", cancellationToken: Ct);
        Assert.True(dump.TryAcquire(out var held));
        var waiting = dump.AcquireAsync(cancellationToken: Ct);

        Assert.True(coordinator.CleanupJob("job"));

        Assert.Equal(["other"], coordinator.JobIds);
        Assert.Null(coordinator.GetJobSnapshot("job"));
        Assert.Null(coordinator.FindPool("job", WorkerPoolKind.Dump));
        Assert.Equal(0, coordinator.GetActiveDumpWorkerCount("job"));
        Assert.Equal(0, dump.ActiveWorkerCount);
        Assert.True(dump.IsDisposed);
        Assert.True(worker.CancellationToken.IsCancellationRequested);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.AsTask());
        Assert.Throws<ObjectDisposedException>(() => dump.RegisterWorker("db.coll", "w2", cancellationToken: Ct));
        held.Dispose();
        Assert.Equal(0, coordinator.GlobalLimit.ActiveCount);
        Assert.False(coordinator.CleanupJob("job"));
        Assert.DoesNotContain(coordinator.GetPools(), p => p.JobId == "job");
    }

    [Fact]
    public void A_job_can_start_again_under_the_same_id_after_cleanup()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var before = coordinator.GetOrCreateDumpPool("job", 1);
        coordinator.CleanupJob("job");

        var after = coordinator.GetOrCreateDumpPool("job", 3);

        Assert.NotSame(before, after);
        Assert.Equal(3, after.MaxWorkers);
    }

    [Fact]
    public void The_snapshot_shows_limits_counts_and_active_workers_of_every_job()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 10 }, _time);
        var dumpB = coordinator.GetOrCreateDumpPool("job-b", 1);
        coordinator.GetOrCreateRestorePool("job-a", 3);
        Assert.True(dumpB.TryAcquire(out _));
        _ = dumpB.AcquireAsync(cancellationToken: Ct);
        coordinator.RegisterDumpWorker("job-b", "db.big", "dump-1", cancellationToken: Ct).SetWorkItem("chunk 1");

        var snapshot = coordinator.GetSnapshot();

        Assert.Equal(_time.GetUtcNow(), snapshot.TakenAt);
        Assert.Equal((10, 1), (snapshot.GlobalMaxWorkers, snapshot.GlobalActive));
        Assert.Equal(["job-a", "job-b"], snapshot.Jobs.Select(j => j.JobId));
        Assert.Null(snapshot.Jobs[0].Dump);
        Assert.Equal(3, snapshot.Jobs[0].Restore!.MaxWorkers);
        var pool = snapshot.Jobs[1].Dump!;
        Assert.Equal((1, 1, 1), (pool.MaxWorkers, pool.Active, pool.Waiting));
        Assert.Equal("chunk 1", Assert.Single(pool.Workers).WorkItem);
        Assert.False(pool.AdaptiveScaling);
    }

    [Fact]
    public async Task Disposing_the_coordinator_cleans_up_every_job()
    {
        var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var pool = coordinator.GetOrCreateDumpPool("job", 0);
        var waiting = pool.AcquireAsync(cancellationToken: Ct);

        coordinator.Dispose();

        Assert.True(pool.IsDisposed);
        Assert.Empty(coordinator.JobIds);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.AsTask());
        Assert.Throws<ObjectDisposedException>(() => coordinator.GetOrCreateDumpPool("job", 1));
    }

    [Fact]
    public void Invalid_options_are_rejected_when_the_coordinator_is_created()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { MaxWorkersPerPool = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { StuckWorkerTimeout = TimeSpan.Zero }));
    }
}
