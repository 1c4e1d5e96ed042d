using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>
/// The workers of one pool: the seed's register / mark-completed flow, outcome counters, the samples adaptive
/// scaling reads and the stuck-worker scan. Only active workers stay in the table, so its size follows the
/// pool's concurrency, never the number of chunks a job has; counters remain.
/// </summary>
/// <remarks>Its own lock, never held together with the slot limiter's: tracking never waits on a grant.</remarks>
internal sealed class WorkerTracker(WorkerPoolManager owner, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, WorkerContext> _workers = new(StringComparer.Ordinal);
    private bool _closed;
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

    public WorkerPoolManager Owner => owner;

    public int ActiveWorkerCount
    {
        get
        {
            lock (_lock)
            {
                return _workers.Count;
            }
        }
    }

    public long CompletedCount => Interlocked.Read(ref _completed);

    public long FailedCount => Interlocked.Read(ref _failed);

    public long CanceledCount => Interlocked.Read(ref _canceled);

    public long StuckCount => Interlocked.Read(ref _stuck);

    public bool IsLockHeldByCurrentThread => _lock.IsHeldByCurrentThread;

    public int TableCapacity
    {
        get
        {
            lock (_lock)
            {
                return _workers.EnsureCapacity(0);
            }
        }
    }

    public string NextWorkerId() =>
        string.Create(CultureInfo.InvariantCulture, $"{owner.KindName}-{Interlocked.Increment(ref _workerSequence)}");

    public WorkerContext Register(
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
            this, collectionKey, workerId, workItem, attempt, owner.TimeProvider.GetUtcNow(), cancellationToken, stuckHandler, stuckHandlerState);
        bool closed, added = false;
        lock (_lock)
        {
            closed = _closed;
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
            ? new ObjectDisposedException(nameof(WorkerPoolManager), $"The {owner.KindName} pool of job '{owner.JobId}' was cleaned up; no worker can register in it.")
            : new InvalidOperationException($"Worker '{workerId}' is already registered in the {owner.KindName} pool of job '{owner.JobId}'.");
    }

    /// <summary>Stops tracking the worker of that id; false if none is tracked.</summary>
    public bool MarkCompleted(string workerId, WorkerOutcome outcome)
    {
        WorkerContext? context;
        lock (_lock)
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

    /// <summary>Stops tracking this very context (not a later worker that reused its id).</summary>
    public void Complete(WorkerContext context, WorkerOutcome outcome)
    {
        lock (_lock)
        {
            if (_workers.TryGetValue(context.WorkerId, out var tracked) && ReferenceEquals(tracked, context))
            {
                _workers.Remove(context.WorkerId);
                CountOutcomeLocked(outcome);
            }
        }

        OnWorkerFinished(context, outcome);
    }

    /// <summary>The active workers, oldest first.</summary>
    public WorkerSnapshot[] Snapshot()
    {
        WorkerSnapshot[] workers;
        lock (_lock)
        {
            workers = new WorkerSnapshot[_workers.Count];
            var i = 0;
            foreach (var worker in _workers.Values)
            {
                workers[i++] = worker.ToSnapshot();
            }
        }

        Array.Sort(workers, static (x, y) => x.StartedAt.CompareTo(y.StartedAt));
        return workers;
    }

    /// <summary>Declares stuck every running worker with no progress for <paramref name="timeout"/>; the caller acts on them outside the lock.</summary>
    public void CollectStuck(DateTimeOffset now, TimeSpan timeout, List<WorkerContext> stuck)
    {
        lock (_lock)
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

    public void OnProgress(WorkerContext context, long documents, long bytes)
    {
        Interlocked.Add(ref _intervalDocuments, documents);
        Interlocked.Add(ref _intervalBytes, bytes);
        owner.Metrics?.RecordProgress(owner, context.CollectionKey, documents, bytes);
    }

    public (long Completed, long Failed, long DurationTicks, long Documents, long Bytes) TakeThroughputSample() => (
        Interlocked.Exchange(ref _intervalCompleted, 0),
        Interlocked.Exchange(ref _intervalFailed, 0),
        Interlocked.Exchange(ref _intervalDurationTicks, 0),
        Interlocked.Exchange(ref _intervalDocuments, 0),
        Interlocked.Exchange(ref _intervalBytes, 0));

    /// <summary>Cleanup: cancels workers still tracked (a finished job should have none), empties the table and refuses new ones.</summary>
    public void Close()
    {
        List<WorkerContext> orphans;
        lock (_lock)
        {
            _closed = true;
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
                logger.LogWarning(ex, "Cancelling worker {WorkerId} of job {JobId} at cleanup ran a callback that failed.", orphan.WorkerId, owner.JobId);
            }
        }
    }

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
        var duration = owner.TimeProvider.GetUtcNow() - context.StartedAt;
        if (outcome == WorkerOutcome.Succeeded)
        {
            Interlocked.Increment(ref _intervalCompleted);
            Interlocked.Add(ref _intervalDurationTicks, duration.Ticks);
        }
        else if (outcome == WorkerOutcome.Failed)
        {
            Interlocked.Increment(ref _intervalFailed);
        }

        owner.Metrics?.RecordWorkerFinished(owner, context.CollectionKey, outcome, duration);
    }
}
