using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Tests.WorkerPools;

/// <summary>The one steering of every job kind: counts, pause, the paused rule, adaptive scaling, saved counts.</summary>
public sealed class JobSteeringTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly WorkerPoolCoordinator _coordinator;

    public JobSteeringTests() => _coordinator = new WorkerPoolCoordinator(timeProvider: _time);

    public void Dispose() => _coordinator.Dispose();

    [Fact]
    public void Opening_the_pools_creates_both_with_the_given_counts()
    {
        var steering = new JobSteering(_coordinator, "job", new PoolSettings(3, 5, 2));

        steering.OpenPools();

        Assert.Equal(3, _coordinator.FindPool("job", WorkerPoolKind.Dump)!.MaxWorkers);
        Assert.Equal(5, _coordinator.FindPool("job", WorkerPoolKind.Restore)!.MaxWorkers);
    }

    [Fact]
    public void A_change_while_paused_is_remembered_and_applied_by_the_unpause()
    {
        var steering = new JobSteering(_coordinator, "job", new PoolSettings(3, 5, 2));
        steering.OpenPools();
        steering.Pause();

        var adjustment = steering.AdjustRestoreWorkers(7);

        Assert.True(adjustment.Deferred);
        Assert.False(adjustment.Changed);
        Assert.Equal(0, _coordinator.FindPool("job", WorkerPoolKind.Restore)!.MaxWorkers);
        Assert.Equal(new PoolSettings(3, 7, 2), steering.Settings);

        steering.Unpause();

        Assert.False(steering.IsPaused);
        Assert.Equal(3, _coordinator.FindPool("job", WorkerPoolKind.Dump)!.MaxWorkers);
        Assert.Equal(7, _coordinator.FindPool("job", WorkerPoolKind.Restore)!.MaxWorkers);
    }

    [Fact]
    public void A_change_outside_a_pause_applies_at_once_and_zero_is_never_remembered()
    {
        var steering = new JobSteering(_coordinator, "job", new PoolSettings(3, 5, 2));
        steering.OpenPools();

        var raised = steering.AdjustDumpWorkers(6);
        var stopped = steering.AdjustRestoreWorkers(0);

        Assert.Equal((3, 6, false), (raised.PreviousCount, raised.NewCount, raised.Deferred));
        Assert.Equal(0, _coordinator.FindPool("job", WorkerPoolKind.Restore)!.MaxWorkers);
        Assert.Equal(new PoolSettings(6, 5, 2), steering.Settings);
    }

    [Fact]
    public void A_job_with_one_pool_ignores_changes_of_the_other()
    {
        var steering = new JobSteering(_coordinator, "dump", new PoolSettings(4, 9, 1), WorkerPoolKind.Dump);
        steering.OpenPools();

        var ignored = steering.AdjustRestoreWorkers(8);
        steering.Pause();
        steering.Unpause();

        Assert.False(ignored.Changed);
        Assert.Null(_coordinator.FindPool("dump", WorkerPoolKind.Restore));
        Assert.Equal(new PoolSettings(4, 0, 1), steering.Settings);
        Assert.Equal(4, _coordinator.FindPool("dump", WorkerPoolKind.Dump)!.MaxWorkers);
    }

    [Fact]
    public void Adaptive_scaling_follows_the_setting_and_is_off_while_paused()
    {
        var steering = new JobSteering(_coordinator, "job", new PoolSettings(2, 3, 2));
        steering.SetAdaptive(true);
        steering.OpenPools();
        var dump = _coordinator.FindPool("job", WorkerPoolKind.Dump)!;
        var restore = _coordinator.FindPool("job", WorkerPoolKind.Restore)!;
        Assert.True(dump.IsAdaptiveScalingEnabled && restore.IsAdaptiveScalingEnabled);

        steering.Pause();
        Assert.False(dump.IsAdaptiveScalingEnabled || restore.IsAdaptiveScalingEnabled);

        // Samples while paused would otherwise lift the pools off 0.
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal((0, 0), (dump.MaxWorkers, restore.MaxWorkers));

        steering.Unpause();
        Assert.True(dump.IsAdaptiveScalingEnabled && restore.IsAdaptiveScalingEnabled);
        Assert.True(steering.IsAdaptive);

        steering.SetAdaptive(false);
        Assert.False(dump.IsAdaptiveScalingEnabled || restore.IsAdaptiveScalingEnabled);
    }

    [Fact]
    public async Task Every_change_is_saved_in_order_and_the_last_saved_is_the_last_set()
    {
        var steering = new JobSteering(_coordinator, "job", new PoolSettings(1, 1, 1));
        steering.OpenPools();
        var saved = new List<PoolSettings>();
        await steering.AttachStoreAsync(async (settings, _) =>
        {
            await Task.Yield();
            lock (saved)
            {
                saved.Add(settings);
            }
        });

        for (var i = 2; i <= 20; i++)
        {
            steering.AdjustDumpWorkers(i);
            steering.AdjustRestoreWorkers(i);
        }

        steering.Pause();
        await steering.DetachStoreAsync();
        steering.AdjustDumpWorkers(50);

        Assert.Equal(new PoolSettings(1, 1, 1), saved[0]);
        Assert.Equal(new PoolSettings(20, 20, 1), saved[^1]);
        Assert.DoesNotContain(saved, s => s.DumpWorkers == 0 || s.RestoreWorkers == 0 || s.DumpWorkers == 50);
    }

    [Fact]
    public async Task A_save_that_fails_does_not_stop_later_saves()
    {
        var steering = new JobSteering(_coordinator, "job", new PoolSettings(1, 1, 1));
        steering.OpenPools();
        var calls = 0;
        PoolSettings? last = null;
        await steering.AttachStoreAsync((settings, _) =>
        {
            if (++calls == 2)
            {
                throw new IOException("disk full");
            }

            last = settings;
            return Task.CompletedTask;
        });

        steering.AdjustDumpWorkers(2);
        steering.AdjustDumpWorkers(3);
        await steering.DetachStoreAsync();

        Assert.Equal(new PoolSettings(3, 1, 1), last);
    }

    [Fact]
    public void Counts_above_the_per_pool_limit_are_refused()
    {
        var steering = new JobSteering(_coordinator, "job", new PoolSettings(1, 1, 1));
        steering.OpenPools();

        Assert.Throws<ArgumentOutOfRangeException>(() => steering.AdjustDumpWorkers(_coordinator.Options.MaxWorkersPerPool + 1));
        Assert.Equal(new PoolSettings(1, 1, 1), steering.Settings);
    }
}
