using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Per process, one of these (a DI singleton): each job's dump and restore pools, shared by every collection of the job.</summary>
/// <remarks>
/// The seed's coordinator, as an instance instead of a static class: every <c>DumpRestoreProcessor</c> of a
/// job gets the same pools because the host hands the same coordinator to all of them, while two hosts or
/// two tests never see each other's pools. It also owns the global worker limit, the metrics and the
/// stuck-worker health check. <see cref="CleanupJob"/> leaves nothing of a job behind.
/// </remarks>
public sealed class WorkerPoolCoordinator : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, JobPools> _jobs = new(StringComparer.Ordinal);
    private readonly WorkerPoolCoordinatorOptions _options;
    private readonly ILogger _logger;
    private readonly WorkerPoolMetrics _metrics;
    private readonly WorkerHealthMonitor? _health;
    private WorkerPoolManager[] _pools = [];
    private bool _disposed;

    public WorkerPoolCoordinator(
        WorkerPoolCoordinatorOptions? options = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null,
        ILogger<WorkerPoolCoordinator>? logger = null)
    {
        _options = options ?? new WorkerPoolCoordinatorOptions();
        _options.Validate();
        TimeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = new WorkerPoolMetrics(meterFactory, this);
        GlobalLimit = new GlobalWorkerLimit(_options.GlobalMaxWorkers ?? GlobalWorkerLimit.Unlimited, TimeProvider, _metrics);
        if (_options.StuckWorkerTimeout is { } stuckAfter)
        {
            _health = new WorkerHealthMonitor(GetPools, stuckAfter, _options.EffectiveHealthCheckInterval, TimeProvider, _metrics, _logger);
        }
    }

    /// <summary>The process-wide limit on dump plus restore workers across all jobs; set its maximum to change it live.</summary>
    public GlobalWorkerLimit GlobalLimit { get; }

    public TimeProvider TimeProvider { get; }

    public WorkerPoolCoordinatorOptions Options => _options;

    /// <summary>Jobs that have pools right now.</summary>
    public IReadOnlyList<string> JobIds
    {
        get
        {
            lock (_lock)
            {
                return [.. _jobs.Keys];
            }
        }
    }

    internal Meter Meter => _metrics.Meter;

    /// <summary>The job's dump pool; the first call creates it with <paramref name="maxWorkers"/>, later calls return it as it is.</summary>
    public WorkerPoolManager GetOrCreateDumpPool(string jobId, int maxWorkers) => GetOrCreatePool(jobId, WorkerPoolKind.Dump, maxWorkers);

    /// <summary>The job's restore pool; the first call creates it with <paramref name="maxWorkers"/>, later calls return it as it is.</summary>
    public WorkerPoolManager GetOrCreateRestorePool(string jobId, int maxWorkers) => GetOrCreatePool(jobId, WorkerPoolKind.Restore, maxWorkers);

    /// <summary>The job's pool of that kind, or null if it was not created (or was cleaned up).</summary>
    public WorkerPoolManager? FindPool(string jobId, WorkerPoolKind kind)
    {
        lock (_lock)
        {
            return _jobs.TryGetValue(jobId, out var pools) ? pools.Get(kind) : null;
        }
    }

    /// <summary>Tracks a dump worker; call <see cref="MarkDumpWorkerCompleted"/> in its <c>finally</c>. The context is how it reports progress.</summary>
    /// <exception cref="InvalidOperationException">The job has no dump pool, or the id is already tracked.</exception>
    public WorkerContext RegisterDumpWorker(string jobId, string collectionKey, string workerId, CancellationToken cancellationToken = default) =>
        RequirePool(jobId, WorkerPoolKind.Dump).RegisterWorker(collectionKey, workerId, workItem: null, cancellationToken);

    /// <summary>Tracks a restore worker; call <see cref="MarkRestoreWorkerCompleted"/> in its <c>finally</c>.</summary>
    public WorkerContext RegisterRestoreWorker(string jobId, string collectionKey, string workerId, CancellationToken cancellationToken = default) =>
        RequirePool(jobId, WorkerPoolKind.Restore).RegisterWorker(collectionKey, workerId, workItem: null, cancellationToken);

    /// <summary>Stops tracking a dump worker and counts its outcome; false if it was not tracked.</summary>
    public bool MarkDumpWorkerCompleted(string jobId, string workerId, WorkerOutcome outcome = WorkerOutcome.Succeeded) =>
        FindPool(jobId, WorkerPoolKind.Dump)?.MarkWorkerCompleted(workerId, outcome) ?? false;

    /// <summary>Stops tracking a restore worker and counts its outcome; false if it was not tracked.</summary>
    public bool MarkRestoreWorkerCompleted(string jobId, string workerId, WorkerOutcome outcome = WorkerOutcome.Succeeded) =>
        FindPool(jobId, WorkerPoolKind.Restore)?.MarkWorkerCompleted(workerId, outcome) ?? false;

    /// <summary>Registered, not yet completed dump workers of the job; 0 for an unknown job.</summary>
    public int GetActiveDumpWorkerCount(string jobId) => FindPool(jobId, WorkerPoolKind.Dump)?.ActiveWorkerCount ?? 0;

    /// <summary>Registered, not yet completed restore workers of the job; 0 for an unknown job.</summary>
    public int GetActiveRestoreWorkerCount(string jobId) => FindPool(jobId, WorkerPoolKind.Restore)?.ActiveWorkerCount ?? 0;

    /// <summary>Sets the job's dump pool maximum live; see <see cref="WorkerCountHelper.AdjustDumpWorkers"/>.</summary>
    public WorkerAdjustment AdjustDumpWorkers(string jobId, int newCount, Action<string>? spawnAction = null) =>
        WorkerCountHelper.AdjustDumpWorkers(RequirePool(jobId, WorkerPoolKind.Dump), newCount, spawnAction, _logger);

    /// <summary>Sets the job's restore pool maximum live; see <see cref="WorkerCountHelper.AdjustRestoreWorkers"/>.</summary>
    public WorkerAdjustment AdjustRestoreWorkers(string jobId, int newCount, Action<string>? spawnAction = null) =>
        WorkerCountHelper.AdjustRestoreWorkers(RequirePool(jobId, WorkerPoolKind.Restore), newCount, spawnAction, _logger);

    /// <summary>
    /// Disposes the job's pools and forgets the job: waiting acquires fail, tracked workers are cancelled and
    /// dropped, the job's metrics series stop. Call it when the job completes, fails or is cancelled.
    /// </summary>
    /// <returns>False if the coordinator had no pools for the job.</returns>
    public bool CleanupJob(string jobId)
    {
        JobPools? pools;
        lock (_lock)
        {
            if (!_jobs.Remove(jobId, out pools))
            {
                return false;
            }

            RefreshPoolsLocked();
        }

        // Outside the coordinator's lock: disposing completes waiters and cancels workers.
        pools.Dump?.Dispose();
        pools.Restore?.Dispose();
        _logger.LogDebug("Worker pools of job {JobId} cleaned up.", jobId);
        return true;
    }

    /// <summary>The global limit and every job's pools with their active workers, for the CLI and the dashboard.</summary>
    public WorkerPoolsSnapshot GetSnapshot()
    {
        KeyValuePair<string, JobPools>[] jobs;
        lock (_lock)
        {
            jobs = [.. _jobs];
        }

        // Every pool's counts and the global ones under the one lock they share: a consistent view, in which
        // the pools' active counts never add up to more than the global limit allows.
        var counts = new ((int, int, int)? Dump, (int, int, int)? Restore)[jobs.Length];
        int globalMax, globalActive;
        lock (GlobalLimit.SyncRoot)
        {
            globalMax = GlobalLimit.MaxWorkers;
            globalActive = GlobalLimit.ActiveLocked;
            for (var i = 0; i < jobs.Length; i++)
            {
                counts[i] = (jobs[i].Value.Dump?.Slots.CountsLocked, jobs[i].Value.Restore?.Slots.CountsLocked);
            }
        }

        var snapshots = new JobWorkerPoolsSnapshot[jobs.Length];
        for (var i = 0; i < jobs.Length; i++)
        {
            var pools = jobs[i].Value;
            snapshots[i] = new JobWorkerPoolsSnapshot(
                jobs[i].Key,
                pools.Dump is { } dump && counts[i].Dump is { } d ? dump.GetSnapshot(d) : null,
                pools.Restore is { } restore && counts[i].Restore is { } r ? restore.GetSnapshot(r) : null);
        }

        Array.Sort(snapshots, static (x, y) => string.CompareOrdinal(x.JobId, y.JobId));
        return new WorkerPoolsSnapshot(TimeProvider.GetUtcNow(), globalMax, globalActive, snapshots);
    }

    /// <summary>One job's pools, or null for an unknown job.</summary>
    public JobWorkerPoolsSnapshot? GetJobSnapshot(string jobId)
    {
        JobPools? pools;
        lock (_lock)
        {
            if (!_jobs.TryGetValue(jobId, out pools))
            {
                return null;
            }
        }

        return ToSnapshot(jobId, pools);
    }

    public void Dispose()
    {
        string[] jobIds;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            jobIds = [.. _jobs.Keys];
        }

        _health?.Dispose();
        foreach (var jobId in jobIds)
        {
            CleanupJob(jobId);
        }

        _metrics.Dispose();
    }

    /// <summary>Runs one health check now, as the timer would; returns how many workers it declared stuck.</summary>
    internal int CheckHealthNow() => _health?.Check() ?? 0;

    internal IReadOnlyList<WorkerPoolManager> GetPools() => Volatile.Read(ref _pools);

    private static JobWorkerPoolsSnapshot ToSnapshot(string jobId, JobPools pools) =>
        new(jobId, pools.Dump?.GetSnapshot(), pools.Restore?.GetSnapshot());

    private WorkerPoolManager GetOrCreatePool(string jobId, WorkerPoolKind kind, int maxWorkers)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWorkers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxWorkers, _options.MaxWorkersPerPool);
        WorkerPoolManager? pool;
        var created = false;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_jobs.TryGetValue(jobId, out var pools))
            {
                pools = new JobPools();
                _jobs.Add(jobId, pools);
            }

            pool = pools.Get(kind);
            if (pool is null)
            {
                pool = new WorkerPoolManager(jobId, kind, maxWorkers, _options.MaxWorkersPerPool, GlobalLimit, _logger);
                pools.Set(kind, pool);
                RefreshPoolsLocked();
                created = true;
            }
        }

        if (created)
        {
            _logger.LogDebug("Created the {Pool} pool of job {JobId} with {MaxWorkers} workers.", pool.KindName, jobId, maxWorkers);
        }

        return pool;
    }

    private WorkerPoolManager RequirePool(string jobId, WorkerPoolKind kind) =>
        FindPool(jobId, kind) ?? throw new InvalidOperationException(
            $"Job '{jobId}' has no {(kind == WorkerPoolKind.Dump ? "dump" : "restore")} pool: call GetOrCreate{kind}Pool first.");

    // A copy-on-write array, so metrics collection and the health check read the pools without a lock.
    private void RefreshPoolsLocked()
    {
        var pools = new List<WorkerPoolManager>(_jobs.Count * 2);
        foreach (var job in _jobs.Values)
        {
            if (job.Dump is not null)
            {
                pools.Add(job.Dump);
            }

            if (job.Restore is not null)
            {
                pools.Add(job.Restore);
            }
        }

        Volatile.Write(ref _pools, [.. pools]);
    }

    private sealed class JobPools
    {
        public WorkerPoolManager? Dump { get; private set; }

        public WorkerPoolManager? Restore { get; private set; }

        public WorkerPoolManager? Get(WorkerPoolKind kind) => kind == WorkerPoolKind.Dump ? Dump : Restore;

        public void Set(WorkerPoolKind kind, WorkerPoolManager pool)
        {
            if (kind == WorkerPoolKind.Dump)
            {
                Dump = pool;
            }
            else
            {
                Restore = pool;
            }
        }
    }
}
