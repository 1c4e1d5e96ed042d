using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.WorkerPools;
using static MongoMigrate.Engine.Tests.WorkerPools.WorkerPoolTestSupport;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class AdaptiveScalingTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Adaptive_scaling_finds_the_best_concurrency_of_a_simulated_workload()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var pool = coordinator.GetOrCreateDumpPool("job", 2);
        pool.EnableAdaptiveScaling(new AdaptiveScalingOptions { MinWorkers = 1, MaxWorkers = 64, Interval = Interval });

        var history = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            history.Add(pool.MaxWorkers);
            RunInterval(pool, HillClimbingScalingPolicyTests.PeakedAtTwelve);
        }

        Assert.All(history[^20..], m => Assert.InRange(m, 11, 13));
        Assert.True(coordinator.GetSnapshot().Jobs[0].Dump!.AdaptiveScaling);
    }

    [Fact]
    public void Failing_workers_make_the_pool_back_off()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var pool = coordinator.GetOrCreateRestorePool("job", 16);
        pool.EnableAdaptiveScaling(new AdaptiveScalingOptions { MinWorkers = 2, MaxWorkers = 32, Interval = Interval });

        for (var i = 0; i < 4; i++)
        {
            pool.MarkWorkerCompleted(pool.RegisterWorker("db.coll", pool.NextWorkerId(), cancellationToken: Ct).WorkerId, WorkerOutcome.Failed);
        }

        _time.Advance(Interval);

        Assert.Equal(12, pool.MaxWorkers);
    }

    [Fact]
    public void Enabling_brings_the_maximum_within_bounds_and_disabling_freezes_it()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var pool = coordinator.GetOrCreateDumpPool("job", 50);

        pool.EnableAdaptiveScaling(new AdaptiveScalingOptions { MinWorkers = 2, MaxWorkers = 8, Interval = Interval });
        Assert.Equal(8, pool.MaxWorkers);
        pool.DisableAdaptiveScaling();
        RunInterval(pool, m => 10.0 * m);
        RunInterval(pool, m => 10.0 * m);

        Assert.Equal(8, pool.MaxWorkers);
        Assert.False(pool.IsAdaptiveScalingEnabled);
    }

    [Fact]
    public void Invalid_bounds_are_rejected()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { MaxWorkersPerPool = 16 }, _time);
        var pool = coordinator.GetOrCreateDumpPool("job", 4);

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.EnableAdaptiveScaling(new AdaptiveScalingOptions { MinWorkers = 5, MaxWorkers = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.EnableAdaptiveScaling(new AdaptiveScalingOptions { MaxWorkers = 17 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.EnableAdaptiveScaling(new AdaptiveScalingOptions { MaxWorkers = 4, Interval = TimeSpan.Zero }));
        Assert.False(pool.IsAdaptiveScalingEnabled);
    }

    [Fact]
    public void Cleanup_stops_adaptive_scaling()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        var pool = coordinator.GetOrCreateDumpPool("job", 4);
        pool.EnableAdaptiveScaling(new AdaptiveScalingOptions { MaxWorkers = 8, Interval = Interval });

        coordinator.CleanupJob("job");
        _time.Advance(Interval);

        Assert.False(pool.IsAdaptiveScalingEnabled);
        Assert.False(pool.EvaluateScalingNow());
    }

    /// <summary>
    /// One interval of a simulated workload: as many workers as the pool allows each produce their share of
    /// the interval's output (from a throughput curve whose best concurrency is known), then time moves on
    /// and the scaler's timer samples the pool.
    /// </summary>
    private void RunInterval(WorkerPoolManager pool, Func<int, double> megabytesPerSecond)
    {
        var workers = pool.MaxWorkers;
        var perWorker = (long)(megabytesPerSecond(workers) * Interval.TotalSeconds * 1_000_000 / workers);
        var running = new List<(WorkerSlot Slot, WorkerContext Context)>();
        for (var i = 0; i < workers; i++)
        {
            Assert.True(pool.TryAcquire(out var slot));
            var context = pool.RegisterWorker("db.coll", pool.NextWorkerId(), cancellationToken: Ct);
            context.ReportProgress(documents: 1_000, bytes: perWorker);
            running.Add((slot, context));
        }

        _time.Advance(Interval);
        foreach (var (slot, context) in running)
        {
            pool.MarkWorkerCompleted(context.WorkerId);
            slot.Dispose();
        }
    }
}
