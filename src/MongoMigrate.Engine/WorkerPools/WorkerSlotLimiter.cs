using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>The slots of one pool: a resizable, prioritised async concurrency limiter under the process's global limit.</summary>
/// <remarks>
/// Acquire is a lock-protected fast path, then an async wait in a priority queue (highest priority first,
/// FIFO among equals). Every state change that can free a slot (release, raising a maximum) hands it to
/// the best waiter inside the same critical section, so there is no timer and no polling; waiters are
/// completed only after the lock is released, with continuations on the thread pool. Lowering the
/// maximum never touches a running worker: it only makes new acquires wait until the active count is
/// under the new maximum. A maximum of 0 pauses the pool. The lock is the global limit's, shared by every
/// pool of the process (see <see cref="GlobalWorkerLimit"/>).
/// </remarks>
internal sealed class WorkerSlotLimiter
{
    private readonly GlobalWorkerLimit _global;
    private readonly PriorityQueue<SlotWaiter, SlotWaiter> _waiters = new(SlotWaiter.Order);
    private int _maxWorkers;
    private int _active;
    private bool _closed;

    // Whoever waits for the moment no slot is held (WhenIdleAsync); completed by the release that empties the pool.
    private List<TaskCompletionSource>? _idleWaiters;

    // Audit of every grant, kept inside the critical section that decides it: tests read it to prove
    // that no grant ever took the pool or the global limit past its maximum.
    private long _grants;
    private long _grantsOverLimit;

    // Set when the pool ran full or made someone wait since the last scaling sample.
    private bool _saturated;

    public WorkerSlotLimiter(WorkerPoolManager owner, int maxWorkers, GlobalWorkerLimit global)
    {
        Owner = owner;
        _maxWorkers = maxWorkers;
        _global = global;
        lock (global.SyncRoot)
        {
            global.AddPoolLocked(this);
        }
    }

    /// <summary>The pool whose slots these are: what a granted <see cref="WorkerSlot"/> gives back to.</summary>
    public WorkerPoolManager Owner { get; }

    public GlobalWorkerLimit Global => _global;

    public int MaxWorkers => Volatile.Read(ref _maxWorkers);

    public int ActiveCount => Volatile.Read(ref _active);

    public bool IsClosed => Volatile.Read(ref _closed);

    public int WaitingCount
    {
        get
        {
            lock (_global.SyncRoot)
            {
                return _waiters.Count;
            }
        }
    }

    public (long Grants, long GrantsOverLimit) GrantAudit
    {
        get
        {
            lock (_global.SyncRoot)
            {
                return (_grants, _grantsOverLimit);
            }
        }
    }

    public bool IsLockHeldByCurrentThread => _global.SyncRoot.IsHeldByCurrentThread;

    /// <summary>Max, active and waiting read together, for a snapshot.</summary>
    public (int Max, int Active, int Waiting) Counts
    {
        get
        {
            lock (_global.SyncRoot)
            {
                return CountsLocked;
            }
        }
    }

    /// <summary>The counts, read under the global limit's lock already held (one consistent view of several pools).</summary>
    public (int Max, int Active, int Waiting) CountsLocked => (_maxWorkers, _active, _waiters.Count);

    public ValueTask<WorkerSlot> AcquireAsync(long priority, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<WorkerSlot>(cancellationToken);
        }

        SlotWaiter? waiter = null;
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            ObjectDisposedException.ThrowIf(_closed, Owner);

            // No waiter of this pool can be eligible here (see AssertInvariantsLocked), so taking a free
            // slot at once never overtakes anyone.
            if (_active < _maxWorkers && _global.HasCapacityLocked)
            {
                GrantLocked();
            }
            else
            {
                waiter = new SlotWaiter(this, priority, _global.NextSequenceLocked(), _global.TimeProvider.GetTimestamp());
                waiter.InQueue = true;
                _waiters.Enqueue(waiter, waiter);
                _saturated = true;
            }

            AssertInvariantsLocked();
        }

        if (waiter is null)
        {
            _global.Metrics?.RecordSlotWait(Owner, TimeSpan.Zero);
            return new ValueTask<WorkerSlot>(new WorkerSlot(Owner));
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.AttachCancellation(cancellationToken);
        }

        return new ValueTask<WorkerSlot>(waiter.Task);
    }

    public bool TryAcquire(out WorkerSlot slot)
    {
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            ObjectDisposedException.ThrowIf(_closed, Owner);
            if (_active < _maxWorkers && _global.HasCapacityLocked)
            {
                GrantLocked();
                slot = new WorkerSlot(Owner);
                return true;
            }
        }

        slot = default;
        return false;
    }

    /// <summary>Sets the maximum and returns the previous one. Raising it grants waiting acquires before this returns.</summary>
    public int SetMaxWorkers(int maxWorkers)
    {
        var decided = default(DecidedWaiters);
        int previous;
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            ObjectDisposedException.ThrowIf(_closed, Owner);
            previous = _maxWorkers;
            Volatile.Write(ref _maxWorkers, maxWorkers);

            // Only this pool's own bound moved: if the global limit is full nothing can start anyway,
            // and if it is not, waiters of other pools are blocked by their own maximum.
            if (maxWorkers > previous)
            {
                DispatchLocalLocked(ref decided);
            }

            AssertInvariantsLocked();
        }

        decided.Complete(_global.TimeProvider, _global.Metrics);
        return previous;
    }

    /// <summary>Fails every waiting acquire and leaves the global limit; false if it was already closed.</summary>
    /// <remarks>Slots still held are given back to the global limit as their workers finish.</remarks>
    public bool Close()
    {
        var decided = default(DecidedWaiters);
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            if (_closed)
            {
                return false;
            }

            Volatile.Write(ref _closed, true);
            while (_waiters.TryDequeue(out var waiter, out _))
            {
                waiter.InQueue = false;
                waiter.Abandoned = true;
                decided.Add(waiter);
            }

            _global.RemovePoolLocked(this);
            AssertInvariantsLocked();
        }

        decided.Complete(_global.TimeProvider, _global.Metrics);
        return true;
    }

    /// <summary>
    /// Completes once no slot is held: at once when none is, else at the release that leaves none (a waiter granted
    /// by that very release keeps the pool busy). A pool paused at 0 grants nothing more, so it then stays idle.
    /// </summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource idle;
        lock (_global.SyncRoot)
        {
            if (_active == 0)
            {
                return Task.CompletedTask;
            }

            idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_idleWaiters ??= []).Add(idle);
        }

        return idle.Task.WaitAsync(cancellationToken);
    }

    public void Release()
    {
        var decided = default(DecidedWaiters);
        List<TaskCompletionSource>? idle = null;
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            if (_active <= 0)
            {
                throw new SemaphoreFullException($"A slot of the {Owner.KindName} pool of job '{Owner.JobId}' was released more often than it was acquired.");
            }

            var globalWasFull = !_global.HasCapacityLocked;
            Volatile.Write(ref _active, _active - 1);
            _global.OnReleaseLocked();

            // A full global limit may have kept waiters of any pool waiting: offer the freed global slot
            // to the best of them. Otherwise only this pool gained room.
            if (globalWasFull)
            {
                _global.DispatchLocked(ref decided);
            }
            else
            {
                DispatchLocalLocked(ref decided);
            }

            if (_active == 0)
            {
                (idle, _idleWaiters) = (_idleWaiters, null);
            }

            AssertInvariantsLocked();
        }

        decided.Complete(_global.TimeProvider, _global.Metrics);
        foreach (var waiter in idle ?? [])
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Removes a waiter that still waits; false if it was already granted or abandoned.</summary>
    public bool TryRemoveWaiter(SlotWaiter waiter)
    {
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            if (!waiter.InQueue)
            {
                return false;
            }

            waiter.InQueue = false;
            _waiters.Remove(waiter, out _, out _);

            // Removing a waiter frees no capacity and, with a priority queue, blocks nobody: no dispatch.
            AssertInvariantsLocked();
            return true;
        }
    }

    public bool TryPeekEligibleLocked([NotNullWhen(true)] out SlotWaiter? waiter)
    {
        if (_active < _maxWorkers && _waiters.TryPeek(out waiter, out _))
        {
            return true;
        }

        waiter = null;
        return false;
    }

    public void GrantHeadLocked(ref DecidedWaiters decided)
    {
        var waiter = _waiters.Dequeue();
        waiter.InQueue = false;
        GrantLocked();
        decided.Add(waiter);
    }

    /// <summary>The load since the last sample, for adaptive scaling: whether the pool ran full or made anyone wait.</summary>
    public (int Max, int Active, int Waiting, bool Saturated) TakeLoadSample()
    {
        lock (_global.SyncRoot)
        {
            var saturated = _saturated || _waiters.Count > 0 || _active >= _maxWorkers;
            _saturated = false;
            return (_maxWorkers, _active, _waiters.Count, saturated);
        }
    }

    private void DispatchLocalLocked(ref DecidedWaiters decided)
    {
        while (_active < _maxWorkers && _global.HasCapacityLocked && _waiters.Count > 0)
        {
            GrantHeadLocked(ref decided);
        }
    }

    private void GrantLocked()
    {
        Volatile.Write(ref _active, _active + 1);
        _global.OnGrantLocked();
        _grants++;
        if (_active > _maxWorkers || !_global.IsWithinLimitLocked)
        {
            _grantsOverLimit++;
        }

        if (_active >= _maxWorkers)
        {
            _saturated = true;
        }
    }

    [Conditional("DEBUG")]
    private void AssertInvariantsLocked()
    {
        Debug.Assert(_global.SyncRoot.IsHeldByCurrentThread, "the pool's lock must be held");
        Debug.Assert(_active >= 0, "active count went negative");
        Debug.Assert(_maxWorkers >= 0, "maximum is negative");
        Debug.Assert(_global.ActiveLocked >= _active, "the global limit counts fewer slots than this pool holds");
        Debug.Assert(!_closed || _waiters.Count == 0, "a closed pool still has waiters");
        Debug.Assert(
            _waiters.Count == 0 || _active >= _maxWorkers || !_global.HasCapacityLocked,
            "a waiter could run but was left waiting");
        Debug.Assert(_grantsOverLimit == 0, "a grant took the pool or the global limit past its maximum");
        _global.AssertInvariantsLocked();
    }
}
