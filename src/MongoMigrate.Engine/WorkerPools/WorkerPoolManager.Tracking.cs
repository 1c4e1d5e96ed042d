using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MongoMigrate.Engine.WorkerPools;

// Worker tracking: the seed's register / mark-completed flow. Only active workers stay in the table, so
// its size follows the pool's concurrency, never the number of chunks a job has; counters remain.
public sealed partial class WorkerPoolManager
{
    private readonly Lock _trackingLock = new();
    private readonly Dictionary<string, WorkerContext> _workers = new(StringComparer.Ordinal);
    private bool _trackingClosed;
    private long _workerSequence;
    private long _completed;
    private long _failed;
    private long _canceled;
    private long _stuck;

    // Per scaling interval; exchanged to zero by each sample.
    private long _intervalCompleted;
    private long _intervalFailed;
    private long _intervalDurationTicks;
    private long _intervalDocuments;
    private long _intervalBytes;

    /// <summary>Registered workers that have not been marked completed yet.</summary>
    public int ActiveWorkerCount
    {
        get
        {
            lock (_trackingLock)
            {
                return _workers.Count;
            }
        }
    }

    public long CompletedCount => Interlocked.Read(ref _completed);

    public long FailedCount => Interlocked.Read(ref _failed);

    public long CanceledCount => Interlocked.Read(ref _canceled);

    /// <summary>Workers the health check declared stuck since the pool was created.</summary>
    public long StuckCount => Interlocked.Read(ref _stuck);

    internal int TrackingTableCapacity
    {
        get
        {
            lock (_trackingLock)
            {
                return _workers.EnsureCapacity(0);
            }
        }
    }

    /// <summary>A worker id unique in this pool, e.g. <c>dump-42</c>.</summary>
    public string NextWorkerId() =>
        string.Create(CultureInfo.InvariantCulture, $"{KindName}-{Interlocked.Increment(ref _workerSequence)}");

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
        RegisterWorker(collectionKey, workerId, workItem, attempt: 1, cancellationToken, stuckHandler: null, stuckHandlerState: null);

    /// <summary>Stops tracking a worker and counts its outcome; false if it is not tracked (already completed, or the job was cleaned up).</summary>
    public bool MarkWorkerCompleted(string workerId, WorkerOutcome outcome = WorkerOutcome.Succeeded)
    {
        WorkerContext? context;
        lock (_trackingLock)
        {
            if (!_workers.Remove(workerId, out context))
            {
                return false;
            }

            CountOutcomeLocked(outcome);
        }

        OnWorkerFinished(context, outcome);
        return true;
    }

    /// <summary>The pool's state and its active workers, for monitoring.</summary>
    public WorkerPoolSnapshot GetSnapshot()
    {
        int max, active, waiting;
        lock (_global.SyncRoot)
        {
            max = _maxWorkers;
            active = _active;
            waiting = _waiters.Count;
        }

        WorkerSnapshot[] workers;
        lock (_trackingLock)
        {
            workers = new WorkerSnapshot[_workers.Count];
            var i = 0;
            foreach (var worker in _workers.Values)
            {
                workers[i++] = worker.ToSnapshot();
            }
        }

        Array.Sort(workers, static (x, y) => x.StartedAt.CompareTo(y.StartedAt));
        return new WorkerPoolSnapshot(
            JobId, Kind, max, active, waiting, CompletedCount, FailedCount, CanceledCount, StuckCount, IsAdaptiveScalingEnabled, workers);
    }

    internal WorkerContext RegisterWorker(
        string collectionKey,
        string workerId,
        string? workItem,
        int attempt,
        CancellationToken cancellationToken,
        Action<WorkerContext, object?>? stuckHandler,
        object? stuckHandlerState)
    {
        ArgumentException.ThrowIfNullOrEmpty(collectionKey);
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        var context = new WorkerContext(
            this, collectionKey, workerId, workItem, attempt, TimeProvider.GetUtcNow(), cancellationToken, stuckHandler, stuckHandlerState);
        bool closed, added = false;
        lock (_trackingLock)
        {
            closed = _trackingClosed;
            if (!closed)
            {
                added = _workers.TryAdd(workerId, context);
            }
        }

        if (added)
        {
            return context;
        }

        context.Finish(WorkerOutcome.Canceled);
        throw closed
            ? new ObjectDisposedException(nameof(WorkerPoolManager), $"The {KindName} pool of job '{JobId}' was cleaned up; no worker can register in it.")
            : new InvalidOperationException($"Worker '{workerId}' is already registered in the {KindName} pool of job '{JobId}'.");
    }

    /// <summary>Stops tracking this very context (not a later worker that reused its id).</summary>
    internal void CompleteWorker(WorkerContext context, WorkerOutcome outcome)
    {
        lock (_trackingLock)
        {
            if (_workers.TryGetValue(context.WorkerId, out var tracked) && ReferenceEquals(tracked, context))
            {
                _workers.Remove(context.WorkerId);
                CountOutcomeLocked(outcome);
            }
        }

        OnWorkerFinished(context, outcome);
    }

    /// <summary>Declares stuck every running worker with no progress for <paramref name="timeout"/>; the caller acts on them outside the lock.</summary>
    internal void CollectStuckWorkers(DateTimeOffset now, TimeSpan timeout, List<WorkerContext> stuck)
    {
        lock (_trackingLock)
        {
            foreach (var worker in _workers.Values)
            {
                if (now - worker.LastProgressAt >= timeout && worker.TryMarkStuck())
                {
                    _stuck++;
                    stuck.Add(worker);
                }
            }
        }
    }

    internal void OnProgress(WorkerContext context, long documents, long bytes)
    {
        Interlocked.Add(ref _intervalDocuments, documents);
        Interlocked.Add(ref _intervalBytes, bytes);
        Metrics?.RecordProgress(this, context.CollectionKey, documents, bytes);
    }

    internal (long Completed, long Failed, long DurationTicks, long Documents, long Bytes) TakeThroughputSample() => (
        Interlocked.Exchange(ref _intervalCompleted, 0),
        Interlocked.Exchange(ref _intervalFailed, 0),
        Interlocked.Exchange(ref _intervalDurationTicks, 0),
        Interlocked.Exchange(ref _intervalDocuments, 0),
        Interlocked.Exchange(ref _intervalBytes, 0));

    private void CountOutcomeLocked(WorkerOutcome outcome)
    {
        switch (outcome)
        {
            case WorkerOutcome.Succeeded:
                _completed++;
                break;
            case WorkerOutcome.Failed:
                _failed++;
                break;
            default:
                _canceled++;
                break;
        }
    }

    private void OnWorkerFinished(WorkerContext context, WorkerOutcome outcome)
    {
        context.Finish(outcome);
        var duration = TimeProvider.GetUtcNow() - context.StartedAt;
        if (outcome == WorkerOutcome.Succeeded)
        {
            Interlocked.Increment(ref _intervalCompleted);
            Interlocked.Add(ref _intervalDurationTicks, duration.Ticks);
        }
        else if (outcome == WorkerOutcome.Failed)
        {
            Interlocked.Increment(ref _intervalFailed);
        }

        Metrics?.RecordWorkerFinished(this, context.CollectionKey, outcome, duration);
    }

    /// <summary>Cleanup: cancels workers still tracked (a finished job should have none) and empties the table.</summary>
    private void ForgetWorkers()
    {
        List<WorkerContext> orphans;
        lock (_trackingLock)
        {
            _trackingClosed = true;
            orphans = [.. _workers.Values];
            _workers.Clear();
            _workers.TrimExcess();
        }

        foreach (var orphan in orphans)
        {
            try
            {
                orphan.RequestCancellation();
            }
            catch (AggregateException ex)
            {
                _logger.LogWarning(ex, "Cancelling worker {WorkerId} of job {JobId} at cleanup ran a callback that failed.", orphan.WorkerId, JobId);
            }
        }
    }
}
