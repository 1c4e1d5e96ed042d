using Microsoft.Extensions.Logging;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>The stuck-worker check: one timer per coordinator that declares stuck every worker with no progress for the configured time.</summary>
/// <remarks>
/// The one periodic check of the component, and a real timer from the injected <see cref="TimeProvider"/>:
/// "no progress for a while" is the absence of a signal, which only a clock can notice. A stuck worker's
/// cancellation is requested and its work item handed back (by the work queue that registered it) for
/// retry; it keeps its slot and stays in the snapshot as stuck until its code actually returns.
/// </remarks>
internal sealed class WorkerHealthMonitor : IDisposable
{
    private readonly Func<IReadOnlyList<WorkerPoolManager>> _pools;
    private readonly TimeSpan _stuckAfter;
    private readonly TimeProvider _timeProvider;
    private readonly WorkerPoolMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private int _checking;

    public WorkerHealthMonitor(
        Func<IReadOnlyList<WorkerPoolManager>> pools,
        TimeSpan stuckAfter,
        TimeSpan interval,
        TimeProvider timeProvider,
        WorkerPoolMetrics metrics,
        ILogger logger)
    {
        _pools = pools;
        _stuckAfter = stuckAfter;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        _timer = timeProvider.CreateTimer(static state => ((WorkerHealthMonitor)state!).Check(), this, interval, interval);
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>Runs one check; returns how many workers it declared stuck.</summary>
    internal int Check()
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return 0;
        }

        try
        {
            var now = _timeProvider.GetUtcNow();
            var stuck = new List<WorkerContext>();
            foreach (var pool in _pools())
            {
                pool.Workers.CollectStuck(now, _stuckAfter, stuck);
            }

            // Outside every lock: cancelling runs the worker's registrations, the handler re-queues work.
            foreach (var worker in stuck)
            {
                _logger.LogWarning(
                    "Worker {WorkerId} of {Collection} in the {Pool} pool of job {JobId} made no progress for {Silence} (work item {WorkItem}); cancelling it and handing its work item back.",
                    worker.WorkerId,
                    worker.CollectionKey,
                    worker.PoolKind,
                    worker.JobId,
                    now - worker.LastProgressAt,
                    worker.WorkItem);
                _metrics.RecordStuck(worker.Pool, worker.CollectionKey);
                try
                {
                    // Hand the item back before cancelling: a worker that honours its token returns at once,
                    // and must find its item already re-queued, not be counted as a plain failure.
                    worker.InvokeStuckHandler();
                    worker.RequestCancellation();
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Handling stuck worker {WorkerId} of job {JobId} failed.", worker.WorkerId, worker.JobId);
                }
            }

            return stuck.Count;
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }
}
