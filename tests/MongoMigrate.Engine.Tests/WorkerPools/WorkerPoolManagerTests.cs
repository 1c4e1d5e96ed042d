using MongoMigrate.Engine.WorkerPools;
using static MongoMigrate.Engine.Tests.WorkerPools.WorkerPoolTestSupport;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class WorkerPoolManagerTests
{
    [Fact]
    public void Acquire_is_granted_at_once_while_slots_are_free()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 2);

        var first = pool.AcquireAsync(cancellationToken: Ct);
        var second = pool.AcquireAsync(cancellationToken: Ct);
        var third = pool.AcquireAsync(cancellationToken: Ct);

        Assert.True(first.IsCompletedSuccessfully);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, pool.ActiveCount);
        Assert.Equal(1, pool.WaitingCount);
    }

    [Fact]
    public async Task A_pool_is_idle_at_once_when_no_slot_is_held_and_otherwise_at_the_release_of_the_last()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Restore, maxWorkers: 1);
        await pool.WhenIdleAsync(Ct);

        var first = await pool.AcquireAsync(cancellationToken: Ct);
        var second = pool.AcquireAsync(cancellationToken: Ct);
        var idle = pool.WhenIdleAsync(Ct);

        // The first release hands its slot to the waiting acquire: the pool never was idle.
        first.Dispose();
        var granted = await second;
        Assert.False(idle.IsCompleted);

        pool.SetMaxWorkers(0);
        granted.Dispose();
        await idle.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(0, pool.ActiveCount);
    }

    [Fact]
    public async Task A_wait_for_an_idle_pool_ends_with_its_cancellation()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Restore, maxWorkers: 1);
        using var slot = await pool.AcquireAsync(cancellationToken: Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var idle = pool.WhenIdleAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => idle);
    }

    [Fact]
    public async Task A_follower_takes_its_leaders_maximum_through_resizes_and_a_pause_and_stops_when_disposed()
    {
        using var leader = new WorkerPoolManager("job", WorkerPoolKind.Restore, maxWorkers: 3);
        var follower = leader.CreateFollower();
        Assert.Equal(3, follower.MaxWorkers);

        leader.SetMaxWorkers(0);
        var waiting = follower.AcquireAsync(cancellationToken: Ct);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(0, leader.ActiveCount);

        leader.SetMaxWorkers(5);
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal((5, 1, 0), (follower.MaxWorkers, follower.ActiveCount, leader.ActiveCount));

        (await waiting).Dispose();
        follower.Dispose();
        leader.SetMaxWorkers(2);
        Assert.Equal(5, follower.MaxWorkers);
    }

    [Fact]
    public void Release_hands_the_slot_to_a_waiter_before_it_returns()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 1);
        Assert.True(pool.TryAcquire(out var held));
        var waiting = pool.AcquireAsync(cancellationToken: Ct);

        held.Dispose();

        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Equal(1, pool.ActiveCount);
        Assert.Equal(0, pool.WaitingCount);
    }

    [Fact]
    public async Task Waiters_are_served_by_priority_then_in_arrival_order()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 1);
        Assert.True(pool.TryAcquire(out var held));
        (string Name, long Priority)[] asks = [("small", 1), ("big-1", 5), ("big-2", 5), ("medium", 3), ("big-3", 5)];
        var waiters = asks.Select(a => (a.Name, Task: pool.AcquireAsync(a.Priority, Ct).AsTask())).ToList();

        var order = new List<string>();
        var current = held;
        for (var i = 0; i < asks.Length; i++)
        {
            current.Dispose();
            var granted = waiters.Single(w => w.Task.IsCompleted);
            order.Add(granted.Name);
            current = await granted.Task;
            waiters.Remove(granted);
        }

        current.Dispose();
        Assert.Equal(["big-1", "big-2", "big-3", "medium", "small"], order);
        Assert.Equal(0, pool.ActiveCount);
    }

    [Fact]
    public async Task Cancelling_a_waiter_removes_it_without_losing_a_slot()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 1);
        Assert.True(pool.TryAcquire(out var held));
        using var cts = new CancellationTokenSource();
        var waiting = pool.AcquireAsync(cancellationToken: cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.AsTask());
        Assert.Equal(0, pool.WaitingCount);
        held.Dispose();
        Assert.Equal(0, pool.ActiveCount);
        Assert.True(pool.TryAcquire(out var again));
        again.Dispose();
    }

    [Fact]
    public async Task Cancelling_after_the_grant_leaves_the_slot_with_the_caller()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 1);
        Assert.True(pool.TryAcquire(out var held));
        using var cts = new CancellationTokenSource();
        var waiting = pool.AcquireAsync(cancellationToken: cts.Token);

        held.Dispose();
        await cts.CancelAsync();
        var slot = await waiting.WithFailsafe();

        Assert.Equal(1, pool.ActiveCount);
        slot.Dispose();
        Assert.Equal(0, pool.ActiveCount);
    }

    [Fact]
    public async Task An_already_cancelled_token_fails_without_taking_a_slot()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pool.AcquireAsync(cancellationToken: new CancellationToken(true)).AsTask());

        Assert.Equal(0, pool.ActiveCount);
        Assert.Equal(0, pool.WaitingCount);
    }

    [Fact]
    public void Raising_the_maximum_starts_waiting_work_at_once()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Restore, maxWorkers: 0);
        var waiters = Enumerable.Range(0, 3).Select(_ => pool.AcquireAsync(cancellationToken: Ct)).ToArray();

        var previous = pool.SetMaxWorkers(2);

        Assert.Equal(0, previous);
        Assert.Equal(2, waiters.Count(w => w.IsCompletedSuccessfully));
        Assert.Equal(2, pool.ActiveCount);
        Assert.Equal(1, pool.WaitingCount);
    }

    [Fact]
    public void Adjust_down_lets_running_workers_finish()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 3);
        var running = Enumerable.Range(0, 3).Select(_ => pool.TryAcquire(out var slot) ? slot : throw new InvalidOperationException()).ToArray();

        pool.MaxWorkers = 1;
        var next = pool.AcquireAsync(cancellationToken: Ct);

        Assert.Equal(3, pool.ActiveCount);
        Assert.False(next.IsCompleted);
        running[0].Dispose();
        Assert.False(next.IsCompleted);
        running[1].Dispose();
        Assert.False(next.IsCompleted);
        running[2].Dispose();
        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(1, pool.ActiveCount);
    }

    [Fact]
    public void A_maximum_of_zero_pauses_the_pool()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 2);
        pool.MaxWorkers = 0;

        Assert.False(pool.TryAcquire(out _));
        var waiting = pool.AcquireAsync(cancellationToken: Ct);
        Assert.False(waiting.IsCompleted);

        pool.MaxWorkers = 1;
        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Disposing_the_pool_fails_waiters_and_still_takes_back_held_slots()
    {
        var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 1);
        Assert.True(pool.TryAcquire(out var held));
        var waiting = pool.AcquireAsync(cancellationToken: Ct);

        pool.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.AsTask());
        Assert.Throws<ObjectDisposedException>(() => pool.AcquireAsync(cancellationToken: Ct));
        held.Dispose();
        Assert.Equal(0, pool.ActiveCount);
        Assert.True(pool.IsDisposed);
    }

    [Fact]
    public void Releasing_a_slot_twice_is_detected_when_nothing_is_held()
    {
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Dump, maxWorkers: 1);
        Assert.True(pool.TryAcquire(out var slot));
        slot.Dispose();

        Assert.Throws<SemaphoreFullException>(slot.Dispose);
        default(WorkerSlot).Dispose();
        Assert.Equal(0, pool.ActiveCount);
    }

    [Fact]
    public void Maximum_must_stay_within_the_pool_limit()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { MaxWorkersPerPool = 8 });
        var pool = coordinator.GetOrCreateDumpPool("job", 4);

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.MaxWorkers = 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.MaxWorkers = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => coordinator.GetOrCreateRestorePool("job", 9));
        Assert.Equal(4, pool.MaxWorkers);
    }

    [Fact]
    public void Every_grant_is_audited_against_both_maximums()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 2 });
        var pool = coordinator.GetOrCreateDumpPool("job", 3);
        var slots = new List<WorkerSlot>();
        while (pool.TryAcquire(out var slot))
        {
            slots.Add(slot);
        }

        Assert.Equal(2, slots.Count);
        Assert.Equal((2L, 0L), pool.GrantAudit);
        slots.ForEach(s => s.Dispose());
    }
}
