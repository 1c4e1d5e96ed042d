using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>One job's dump or restore pool: a resizable, prioritised async concurrency limiter that also tracks its workers.</summary>
/// <remarks>
/// Acquire is a lock-protected fast path, then an async wait in a priority queue (highest priority first,
/// FIFO among equals). Every state change that can free a slot (release, raising a maximum) hands it to
/// the best waiter inside the same critical section, so there is no timer and no polling; waiters are
/// completed only after the lock is released, with continuations on the thread pool. Lowering the
/// maximum never touches a running worker: it only makes new acquires wait until the active count is
/// under the new maximum. A maximum of 0 pauses the pool.
/// </remarks>
public sealed partial class WorkerPoolManager : IDisposable
{
    private readonly GlobalWorkerLimit _global;
    private readonly PriorityQueue<SlotWaiter, SlotWaiter> _waiters = new(SlotWaiter.Order);
    private readonly ILogger _logger;
    private int _maxWorkers;
    private int _active;
    private bool _disposed;

    // Audit of every grant, kept inside the critical section that decides it: tests read it to prove
    // that no grant ever took the pool or the global limit past its maximum.
    private long _grants;
    private long _grantsOverLimit;

    // Set when the pool ran full or made someone wait since the last scaling sample.
    private bool _saturated;

    /// <summary>Creates a pool of its own, outside any coordinator: no global limit, no metrics, no health checks.</summary>
    public WorkerPoolManager(string jobId, WorkerPoolKind kind, int maxWorkers, TimeProvider? timeProvider = null)
        : this(
            jobId,
            kind,
            maxWorkers,
            int.MaxValue,
            new GlobalWorkerLimit(GlobalWorkerLimit.Unlimited, timeProvider ?? TimeProvider.System, metrics: null),
            NullLogger.Instance)
    {
    }

    internal WorkerPoolManager(string jobId, WorkerPoolKind kind, int maxWorkers, int workerCountLimit, GlobalWorkerLimit global, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWorkers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxWorkers, workerCountLimit);
        JobId = jobId;
        Kind = kind;
        KindName = kind == WorkerPoolKind.Dump ? "dump" : "restore";
        WorkerCountLimit = workerCountLimit;
        _maxWorkers = maxWorkers;
        _global = global;
        _logger = logger;
        lock (global.SyncRoot)
        {
            global.AddPoolLocked(this);
        }
    }

    public string JobId { get; }

    public WorkerPoolKind Kind { get; }

    /// <summary>The highest maximum that adjustments accept (the coordinator's per-pool bound).</summary>
    public int WorkerCountLimit { get; }

    /// <summary>The most workers this pool runs at once. Raising it starts waiting workers at once; lowering it lets running ones finish.</summary>
    public int MaxWorkers
    {
        get => Volatile.Read(ref _maxWorkers);
        set => SetMaxWorkers(value);
    }

    /// <summary>Slots held right now (may exceed <see cref="MaxWorkers"/> for a while after it was lowered).</summary>
    public int ActiveCount => Volatile.Read(ref _active);

    /// <summary>Acquires waiting for a slot right now.</summary>
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

    public bool IsDisposed => Volatile.Read(ref _disposed);

    internal string KindName { get; }

    internal TimeProvider TimeProvider => _global.TimeProvider;

    internal WorkerPoolMetrics? Metrics => _global.Metrics;

    internal GlobalWorkerLimit Global => _global;

    internal (long Grants, long GrantsOverLimit) GrantAudit
    {
        get
        {
            lock (_global.SyncRoot)
            {
                return (_grants, _grantsOverLimit);
            }
        }
    }

    internal bool IsLockHeldByCurrentThread => _global.SyncRoot.IsHeldByCurrentThread || _trackingLock.IsHeldByCurrentThread;

    /// <summary>
    /// Waits for a slot in this pool and in the global limit. Higher <paramref name="priority"/> is served first
    /// (the engine passes the collection's size, so the longest pole starts first); FIFO among equals.
    /// </summary>
    /// <returns>The slot; dispose it exactly once when the work is done, also on failure.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before a slot was granted; no slot is held.</exception>
    /// <exception cref="ObjectDisposedException">The pool was cleaned up.</exception>
    public ValueTask<WorkerSlot> AcquireAsync(long priority = 0, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<WorkerSlot>(cancellationToken);
        }

        SlotWaiter? waiter = null;
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            ObjectDisposedException.ThrowIf(_disposed, this);

            // No waiter of this pool can be eligible here (see AssertInvariantsLocked), so taking a free
            // slot at once never overtakes anyone.
            if (_active < _maxWorkers && _global.HasCapacityLocked)
            {
                GrantLocked();
            }
            else
            {
                waiter = new SlotWaiter(this, priority, _global.NextSequenceLocked(), TimeProvider.GetTimestamp());
                waiter.InQueue = true;
                _waiters.Enqueue(waiter, waiter);
                _saturated = true;
            }

            AssertInvariantsLocked();
        }

        if (waiter is null)
        {
            Metrics?.RecordSlotWait(this, TimeSpan.Zero);
            return new ValueTask<WorkerSlot>(new WorkerSlot(this));
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.AttachCancellation(cancellationToken);
        }

        return new ValueTask<WorkerSlot>(waiter.Task);
    }

    /// <summary>Takes a slot if one is free in this pool and in the global limit right now; never waits.</summary>
    public bool TryAcquire(out WorkerSlot slot)
    {
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_active < _maxWorkers && _global.HasCapacityLocked)
            {
                GrantLocked();
                slot = new WorkerSlot(this);
                return true;
            }
        }

        slot = default;
        return false;
    }

    /// <summary>Sets the maximum and returns the previous one. Raising it grants waiting acquires before this returns.</summary>
    public int SetMaxWorkers(int maxWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxWorkers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxWorkers, WorkerCountLimit);
        var decided = default(DecidedWaiters);
        int previous;
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            ObjectDisposedException.ThrowIf(_disposed, this);
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

        decided.Complete(TimeProvider, Metrics);
        return previous;
    }

    /// <summary>Disposes the pool: waiting acquires fail with <see cref="ObjectDisposedException"/>, tracked workers are cancelled and forgotten.</summary>
    /// <remarks>Slots still held are given back to the global limit as their workers finish.</remarks>
    public void Dispose()
    {
        var decided = default(DecidedWaiters);
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            while (_waiters.TryDequeue(out var waiter, out _))
            {
                waiter.InQueue = false;
                waiter.Abandoned = true;
                decided.Add(waiter);
            }

            _global.RemovePoolLocked(this);
            AssertInvariantsLocked();
        }

        decided.Complete(TimeProvider, Metrics);
        DisposeScaling();
        ForgetWorkers();
    }

    internal void Release()
    {
        var decided = default(DecidedWaiters);
        lock (_global.SyncRoot)
        {
            AssertInvariantsLocked();
            if (_active <= 0)
            {
                throw new SemaphoreFullException($"A slot of the {KindName} pool of job '{JobId}' was released more often than it was acquired.");
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

            AssertInvariantsLocked();
        }

        decided.Complete(TimeProvider, Metrics);
    }

    /// <summary>Removes a waiter that still waits; false if it was already granted or abandoned.</summary>
    internal bool TryRemoveWaiter(SlotWaiter waiter)
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

    internal bool TryPeekEligibleLocked([NotNullWhen(true)] out SlotWaiter? waiter)
    {
        if (_active < _maxWorkers && _waiters.TryPeek(out waiter, out _))
        {
            return true;
        }

        waiter = null;
        return false;
    }

    internal void GrantHeadLocked(ref DecidedWaiters decided)
    {
        var waiter = _waiters.Dequeue();
        waiter.InQueue = false;
        GrantLocked();
        decided.Add(waiter);
    }

    internal (int Max, int Active, int Waiting, bool Saturated) TakeLoadSample()
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
        Debug.Assert(!_disposed || _waiters.Count == 0, "a disposed pool still has waiters");
        Debug.Assert(
            _waiters.Count == 0 || _active >= _maxWorkers || !_global.HasCapacityLocked,
            "a waiter could run but was left waiting");
        Debug.Assert(_grantsOverLimit == 0, "a grant took the pool or the global limit past its maximum");
        _global.AssertInvariantsLocked();
    }
}
