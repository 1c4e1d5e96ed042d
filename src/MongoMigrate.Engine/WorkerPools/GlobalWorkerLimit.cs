using System.Diagnostics;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>The process-wide cap on dump plus restore workers across all jobs, enforced on top of each pool's own maximum.</summary>
/// <remarks>
/// The limit and every pool under it share one lock. A worker needs a pool slot and a global slot; taking
/// both in one critical section means nobody ever holds one while waiting for the other, so there is no
/// lock ordering to get wrong, no deadlock, and a pool blocked by its own maximum never holds global
/// slots that another pool could use. The critical sections are a few field updates, so one lock for
/// the handful of pools a process runs costs less than the coordination two locks would need.
/// </remarks>
public sealed class GlobalWorkerLimit
{
    /// <summary>The maximum that means no global limit.</summary>
    public const int Unlimited = int.MaxValue;

    private readonly List<WorkerSlotLimiter> _pools = [];
    private int _maxWorkers;
    private int _active;
    private long _sequence;

    internal GlobalWorkerLimit(int maxWorkers, TimeProvider timeProvider, WorkerPoolMetrics? metrics)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxWorkers);
        _maxWorkers = maxWorkers;
        TimeProvider = timeProvider;
        Metrics = metrics;
    }

    internal TimeProvider TimeProvider { get; }

    internal WorkerPoolMetrics? Metrics { get; }

    /// <summary>The lock of the limit and of every pool under it.</summary>
    internal Lock SyncRoot { get; } = new();

    /// <summary>The most workers that may run at once across every pool; lowering it never interrupts a running worker, 0 pauses all.</summary>
    public int MaxWorkers
    {
        get => Volatile.Read(ref _maxWorkers);
        set => SetMaxWorkers(value);
    }

    /// <summary>Slots held right now across every pool under this limit.</summary>
    public int ActiveCount => Volatile.Read(ref _active);

    public bool IsUnlimited => MaxWorkers == Unlimited;

    internal bool HasCapacityLocked => _active < _maxWorkers;

    internal bool IsWithinLimitLocked => _active <= _maxWorkers;

    internal int ActiveLocked => _active;

    /// <summary>Sets the maximum and returns the previous one; raising it hands free slots to the best waiters of all pools at once.</summary>
    public int SetMaxWorkers(int maxWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxWorkers);
        var decided = default(DecidedWaiters);
        int previous;
        lock (SyncRoot)
        {
            AssertInvariantsLocked();
            previous = _maxWorkers;
            _maxWorkers = maxWorkers;
            if (maxWorkers > previous)
            {
                DispatchLocked(ref decided);
            }

            AssertInvariantsLocked();
        }

        decided.Complete(TimeProvider, Metrics);

        return previous;
    }

    internal void AddPoolLocked(WorkerSlotLimiter pool) => _pools.Add(pool);

    internal void RemovePoolLocked(WorkerSlotLimiter pool) => _pools.Remove(pool);

    internal long NextSequenceLocked() => ++_sequence;

    internal void OnGrantLocked() => Volatile.Write(ref _active, _active + 1);

    internal void OnReleaseLocked() => Volatile.Write(ref _active, _active - 1);

    /// <summary>Hands free global slots to the best eligible waiter across all pools, one at a time, until none is left or no slot is.</summary>
    internal void DispatchLocked(ref DecidedWaiters decided)
    {
        while (HasCapacityLocked)
        {
            WorkerSlotLimiter? best = null;
            SlotWaiter? bestWaiter = null;
            foreach (var pool in _pools)
            {
                if (pool.TryPeekEligibleLocked(out var waiter)
                    && (bestWaiter is null || SlotWaiter.Order.Compare(waiter, bestWaiter) < 0))
                {
                    best = pool;
                    bestWaiter = waiter;
                }
            }

            if (best is null)
            {
                return;
            }

            best.GrantHeadLocked(ref decided);
        }
    }

    [Conditional("DEBUG")]
    internal void AssertInvariantsLocked()
    {
        Debug.Assert(SyncRoot.IsHeldByCurrentThread, "the limit's lock must be held");
        Debug.Assert(_active >= 0, "global active count went negative");
        Debug.Assert(_maxWorkers >= 0, "global maximum is negative");
        if (HasCapacityLocked)
        {
            foreach (var pool in _pools)
            {
                Debug.Assert(!pool.TryPeekEligibleLocked(out _), "a waiter could run but was left waiting");
            }
        }
    }
}
