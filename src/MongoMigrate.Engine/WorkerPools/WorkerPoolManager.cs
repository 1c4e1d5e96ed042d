using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>One job's dump or restore pool, under the seed's name: its slots (<see cref="WorkerSlotLimiter"/>), its workers (<see cref="WorkerTracker"/>) and an optional scaling policy.</summary>
/// <remarks>
/// Work takes a slot with <see cref="AcquireAsync"/> and gives it back by disposing it; while it runs it is
/// tracked with <see cref="RegisterWorker(string, string, string?, CancellationToken)"/> and
/// <see cref="MarkWorkerCompleted"/>. The two halves have separate locks and never hold both.
/// </remarks>
public sealed class WorkerPoolManager : IDisposable
{
    private readonly WorkerSlotLimiter _slots;
    private readonly WorkerTracker _workers;
    private readonly ILogger _logger;
    private AdaptiveWorkerScaler? _scaler;
    private ImmutableArray<WorkerPoolManager> _followers = [];

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
        _logger = logger;
        _workers = new WorkerTracker(this, logger);
        _slots = new WorkerSlotLimiter(this, maxWorkers, global);
    }

    public string JobId { get; }

    public WorkerPoolKind Kind { get; }

    /// <summary>The highest maximum that adjustments accept (the coordinator's per-pool bound).</summary>
    public int WorkerCountLimit { get; }

    /// <summary>The most workers this pool runs at once. Raising it starts waiting workers at once; lowering it lets running ones finish.</summary>
    public int MaxWorkers
    {
        get => _slots.MaxWorkers;
        set => SetMaxWorkers(value);
    }

    /// <summary>Slots held right now (may exceed <see cref="MaxWorkers"/> for a while after it was lowered).</summary>
    public int ActiveCount => _slots.ActiveCount;

    /// <summary>Completes once no slot of the pool is held (at once when none is): after a pause, when its running work is done.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken) => _slots.WhenIdleAsync(cancellationToken);

    /// <summary>Acquires waiting for a slot right now.</summary>
    public int WaitingCount => _slots.WaitingCount;

    public bool IsDisposed => _slots.IsClosed;

    /// <summary>Registered workers that have not been marked completed yet.</summary>
    public int ActiveWorkerCount => _workers.ActiveWorkerCount;

    public long CompletedCount => _workers.CompletedCount;

    public long FailedCount => _workers.FailedCount;

    public long CanceledCount => _workers.CanceledCount;

    /// <summary>Workers the health check declared stuck since the pool was created.</summary>
    public long StuckCount => _workers.StuckCount;

    public bool IsAdaptiveScalingEnabled => Volatile.Read(ref _scaler) is not null;

    internal string KindName { get; }

    internal TimeProvider TimeProvider => _slots.Global.TimeProvider;

    internal WorkerPoolMetrics? Metrics => _slots.Global.Metrics;

    internal WorkerSlotLimiter Slots => _slots;

    internal WorkerTracker Workers => _workers;

    internal (long Grants, long GrantsOverLimit) GrantAudit => _slots.GrantAudit;

    internal bool IsLockHeldByCurrentThread => _slots.IsLockHeldByCurrentThread || _workers.IsLockHeldByCurrentThread;

    internal int TrackingTableCapacity => _workers.TableCapacity;

    /// <summary>
    /// Waits for a slot in this pool and in the global limit. Higher <paramref name="priority"/> is served first
    /// (the engine passes the collection's size, so the longest pole starts first); FIFO among equals.
    /// </summary>
    /// <returns>The slot; dispose it exactly once when the work is done, also on failure.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled before a slot was granted; no slot is held.</exception>
    /// <exception cref="ObjectDisposedException">The pool was cleaned up.</exception>
    public ValueTask<WorkerSlot> AcquireAsync(long priority = 0, CancellationToken cancellationToken = default) =>
        _slots.AcquireAsync(priority, cancellationToken);

    /// <summary>Takes a slot if one is free in this pool and in the global limit right now; never waits.</summary>
    public bool TryAcquire(out WorkerSlot slot) => _slots.TryAcquire(out slot);

    /// <summary>Sets the maximum and returns the previous one. Raising it grants waiting acquires before this returns.</summary>
    public int SetMaxWorkers(int maxWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxWorkers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxWorkers, WorkerCountLimit);
        var previous = _slots.SetMaxWorkers(maxWorkers);
        foreach (var follower in _followers)
        {
            follower.Follow(this);
        }

        return previous;
    }

    /// <summary>
    /// A pool of its own (no global limit, no health checks) whose maximum is this pool's from now on, however it
    /// changes (a resize, a pause, the scaling policy), until either is disposed. Work that must not outnumber this
    /// pool's workers without taking their slots (a dump-restore job's chunk file readers) runs in it.
    /// </summary>
    public WorkerPoolManager CreateFollower()
    {
        var follower = new WorkerPoolManager(JobId, Kind, 0, TimeProvider);
        ImmutableInterlocked.Update(ref _followers, static (list, f) => list.Add(f), follower);
        follower.Follow(this);
        return follower;
    }

    /// <summary>A worker id unique in this pool, e.g. <c>dump-42</c>.</summary>
    public string NextWorkerId() => _workers.NextWorkerId();

    /// <summary>
    /// Starts tracking a worker. Call it first thing in the worker and <see cref="MarkWorkerCompleted"/> in its
    /// <c>finally</c>, so a worker is never tracked after it ends nor missing while it runs.
    /// </summary>
    /// <param name="collectionKey">The collection the worker works for, e.g. <c>db.coll</c>.</param>
    /// <param name="workerId">Unique among the pool's active workers; <see cref="NextWorkerId"/> makes one.</param>
    /// <param name="workItem">What it works on, for the snapshot; <see cref="WorkerContext.SetWorkItem"/> changes it.</param>
    /// <param name="cancellationToken">Linked into <see cref="WorkerContext.CancellationToken"/>.</param>
    /// <exception cref="InvalidOperationException">The id is already tracked in this pool.</exception>
    public WorkerContext RegisterWorker(string collectionKey, string workerId, string? workItem = null, CancellationToken cancellationToken = default) =>
        _workers.Register(collectionKey, workerId, workItem, attempt: 1, cancellationToken, stuckHandler: null, stuckHandlerState: null);

    /// <summary>Stops tracking a worker and counts its outcome; false if it is not tracked (already completed, or the job was cleaned up).</summary>
    public bool MarkWorkerCompleted(string workerId, WorkerOutcome outcome = WorkerOutcome.Succeeded) => _workers.MarkCompleted(workerId, outcome);

    /// <summary>The pool's state and its active workers, for monitoring.</summary>
    public WorkerPoolSnapshot GetSnapshot() => GetSnapshot(_slots.Counts);

    /// <summary>The snapshot with counts read by the caller, e.g. for every pool under one lock.</summary>
    internal WorkerPoolSnapshot GetSnapshot((int Max, int Active, int Waiting) counts)
    {
        var (max, active, waiting) = counts;
        return new WorkerPoolSnapshot(
            JobId, Kind, max, active, waiting, CompletedCount, FailedCount, CanceledCount, StuckCount, IsAdaptiveScalingEnabled, _workers.Snapshot());
    }

    /// <summary>Lets a policy move this pool's maximum within bounds, once per interval; replaces any earlier policy.</summary>
    /// <remarks>The current maximum is first brought within the bounds. Manual resizes still work; the policy measures from wherever they leave the pool.</remarks>
    public void EnableAdaptiveScaling(AdaptiveScalingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        options.Validate(WorkerCountLimit);
        var current = MaxWorkers;
        var bounded = Math.Clamp(current, options.MinWorkers, options.MaxWorkers);
        if (bounded != current)
        {
            SetMaxWorkers(bounded);
        }

        Interlocked.Exchange(ref _scaler, new AdaptiveWorkerScaler(this, options, _logger))?.Dispose();
    }

    /// <summary>Stops adaptive scaling; the maximum stays where the policy left it.</summary>
    public void DisableAdaptiveScaling() => Interlocked.Exchange(ref _scaler, null)?.Dispose();

    /// <summary>Disposes the pool: waiting acquires fail with <see cref="ObjectDisposedException"/>, tracked workers are cancelled and forgotten.</summary>
    /// <remarks>Slots still held are given back to the global limit as their workers finish.</remarks>
    public void Dispose()
    {
        if (!_slots.Close())
        {
            return;
        }

        DisableAdaptiveScaling();
        _workers.Close();
    }

    /// <summary>Takes the leader's maximum as it is now (so the last of two racing changes wins); a disposed follower ignores it.</summary>
    private void Follow(WorkerPoolManager leader)
    {
        try
        {
            if (!IsDisposed)
            {
                _slots.SetMaxWorkers(leader.MaxWorkers);
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the change: nothing follows any more.
        }
    }

    /// <summary>Runs one scaling evaluation now, as the timer would; false if scaling is off.</summary>
    internal bool EvaluateScalingNow()
    {
        var scaler = Volatile.Read(ref _scaler);
        scaler?.Evaluate();
        return scaler is not null;
    }

    internal void Release() => _slots.Release();
}
