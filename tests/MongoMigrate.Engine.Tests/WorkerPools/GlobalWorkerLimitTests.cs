using MongoMigrate.Engine.WorkerPools;
using static MongoMigrate.Engine.Tests.WorkerPools.WorkerPoolTestSupport;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class GlobalWorkerLimitTests
{
    [Fact]
    public void A_slot_needs_room_in_both_its_pool_and_the_global_limit()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 3 });
        var a = coordinator.GetOrCreateDumpPool("job-a", 2);
        var b = coordinator.GetOrCreateRestorePool("job-b", 2);

        Assert.True(a.TryAcquire(out _));
        Assert.True(a.TryAcquire(out _));
        Assert.False(a.TryAcquire(out _));
        Assert.True(b.TryAcquire(out _));
        Assert.False(b.TryAcquire(out _));

        Assert.Equal(3, coordinator.GlobalLimit.ActiveCount);
        Assert.Equal(1, b.ActiveCount);
    }

    [Fact]
    public void A_freed_global_slot_goes_to_the_best_waiter_of_any_pool()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 2 });
        var a = coordinator.GetOrCreateDumpPool("job-a", 4);
        var b = coordinator.GetOrCreateDumpPool("job-b", 4);
        Assert.True(a.TryAcquire(out var heldByA));
        Assert.True(b.TryAcquire(out _));
        var lowInA = a.AcquireAsync(priority: 1, cancellationToken: Ct);
        var highInB = b.AcquireAsync(priority: 10, cancellationToken: Ct);

        heldByA.Dispose();

        Assert.True(highInB.IsCompletedSuccessfully);
        Assert.False(lowInA.IsCompleted);
        Assert.Equal(0, a.ActiveCount);
        Assert.Equal(2, b.ActiveCount);
    }

    [Fact]
    public void A_pool_blocked_by_its_own_maximum_does_not_hold_back_other_pools()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 4 });
        var a = coordinator.GetOrCreateDumpPool("job-a", 1);
        var b = coordinator.GetOrCreateDumpPool("job-b", 3);
        Assert.True(a.TryAcquire(out _));
        var urgentInA = a.AcquireAsync(priority: 1_000, cancellationToken: Ct);

        Assert.True(b.TryAcquire(out _));
        Assert.True(b.TryAcquire(out _));

        Assert.False(urgentInA.IsCompleted);
        Assert.Equal(3, coordinator.GlobalLimit.ActiveCount);
    }

    [Fact]
    public void Lowering_the_global_limit_lets_running_workers_finish()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 3 });
        var a = coordinator.GetOrCreateDumpPool("job-a", 3);
        var b = coordinator.GetOrCreateRestorePool("job-a", 3);
        Assert.True(a.TryAcquire(out var a1));
        Assert.True(a.TryAcquire(out var a2));
        Assert.True(b.TryAcquire(out var b1));

        coordinator.GlobalLimit.MaxWorkers = 1;
        var next = b.AcquireAsync(cancellationToken: Ct);

        Assert.Equal(3, coordinator.GlobalLimit.ActiveCount);
        a1.Dispose();
        a2.Dispose();
        Assert.False(next.IsCompleted);
        b1.Dispose();
        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(1, coordinator.GlobalLimit.ActiveCount);
    }

    [Fact]
    public void Raising_the_global_limit_starts_waiters_of_every_pool_at_once()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 0 });
        var a = coordinator.GetOrCreateDumpPool("job-a", 2);
        var b = coordinator.GetOrCreateRestorePool("job-b", 2);
        var inA = a.AcquireAsync(cancellationToken: Ct);
        var inB = b.AcquireAsync(cancellationToken: Ct);
        var alsoInB = b.AcquireAsync(cancellationToken: Ct);

        var previous = coordinator.GlobalLimit.SetMaxWorkers(2);

        Assert.Equal(0, previous);
        Assert.True(inA.IsCompletedSuccessfully);
        Assert.True(inB.IsCompletedSuccessfully);
        Assert.False(alsoInB.IsCompleted);
    }

    [Fact]
    public void Without_a_configured_limit_the_global_limit_is_unlimited()
    {
        using var coordinator = new WorkerPoolCoordinator();

        Assert.True(coordinator.GlobalLimit.IsUnlimited);
        Assert.Equal(GlobalWorkerLimit.Unlimited, coordinator.GlobalLimit.MaxWorkers);
    }

    [Fact]
    public void Slots_of_a_cleaned_up_job_return_to_the_global_limit_when_released()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 1 });
        var gone = coordinator.GetOrCreateDumpPool("gone", 1);
        var other = coordinator.GetOrCreateDumpPool("other", 1);
        Assert.True(gone.TryAcquire(out var held));
        var waiting = other.AcquireAsync(cancellationToken: Ct);

        coordinator.CleanupJob("gone");
        Assert.False(waiting.IsCompleted);
        held.Dispose();

        Assert.True(waiting.IsCompletedSuccessfully);
    }
}
