using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>
/// Live steering of one job, whatever its kind (migration, dump, restore): its worker counts, pause, and what a
/// change of count means while paused. The keys, the dashboard and the API all steer through this one class.
/// </summary>
/// <remarks>
/// The paused rule: <see cref="Pause"/> sets the job's pools to 0 (running work finishes its current step); a
/// count changed while paused is remembered, not applied, and <see cref="Unpause"/> gives every pool the
/// counts remembered last. A count of 0 outside a pause stops that pool alone and is never remembered, so
/// neither a pause nor a stopped pool is what a resumed job starts with. A job with one pool (dump or restore)
/// ignores changes of the other, whose count stays 0.
/// With adaptive scaling on, a policy moves each pool's maximum between 1 and a few times the count it was
/// given; a pause turns the policy off until the unpause, so it never lifts a paused pool.
/// Once <see cref="AttachStoreAsync"/> is called, every change of the remembered counts is saved, in order,
/// the last save writing the last counts set.
/// </remarks>
public sealed class JobSteering
{
    private readonly WorkerPoolCoordinator _coordinator;
    private readonly WorkerPoolKind? _onlyPool;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private PoolSettings _settings;
    private bool _paused;
    private bool _adaptive;
    private Func<PoolSettings, CancellationToken, Task>? _save;
    private Task _saving = Task.CompletedTask;

    /// <summary>Steers the job's pools in <paramref name="coordinator"/>; <paramref name="onlyPool"/> names the one pool of a dump or restore job.</summary>
    public JobSteering(WorkerPoolCoordinator coordinator, string jobId, PoolSettings settings, WorkerPoolKind? onlyPool = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        _coordinator = coordinator;
        JobId = jobId;
        _onlyPool = onlyPool;
        _logger = logger ?? NullLogger.Instance;
        _settings = Normalize(settings);
    }

    /// <summary>The most parallel inserts a chunk may have (as --insertion-workers allows).</summary>
    public const int MaxInsertionWorkers = 64;

    public string JobId { get; }

    /// <summary>The most workers one pool may be given.</summary>
    public int MaxWorkersPerPool => _coordinator.Options.MaxWorkersPerPool;

    /// <summary>The worker counts the job runs with when not paused (0 for a pool the job does not have).</summary>
    public PoolSettings Settings
    {
        get
        {
            lock (_lock)
            {
                return _settings;
            }
        }
    }

    /// <summary>True between <see cref="Pause"/> and <see cref="Unpause"/>.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_lock)
            {
                return _paused;
            }
        }
    }

    /// <summary>True while a policy moves the worker counts by the throughput it measures (see <see cref="SetAdaptive"/>).</summary>
    public bool IsAdaptive
    {
        get
        {
            lock (_lock)
            {
                return _adaptive;
            }
        }
    }

    /// <summary>Creates the job's pools with the current counts (0 while paused), adaptive scaling included; returns them as they already are when they exist.</summary>
    public void OpenPools()
    {
        PoolSettings settings;
        bool paused;
        lock (_lock)
        {
            settings = _settings;
            paused = _paused;
        }

        ForEachPool(kind => _ = kind == WorkerPoolKind.Dump
            ? _coordinator.GetOrCreateDumpPool(JobId, paused ? 0 : settings.DumpWorkers)
            : _coordinator.GetOrCreateRestorePool(JobId, paused ? 0 : settings.RestoreWorkers));
        ApplyAdaptive();
    }

    /// <summary>
    /// Turns adaptive scaling on or off for the job's pools: on, a hill-climbing policy moves each maximum between
    /// 1 and four times its count (at least 16, at most the per-pool limit) every 10 seconds; off leaves the counts
    /// where the policy put them. Pools created later (<see cref="OpenPools"/>) follow the setting.
    /// </summary>
    public void SetAdaptive(bool enabled)
    {
        lock (_lock)
        {
            _adaptive = enabled;
        }

        ApplyAdaptive();
    }

    /// <summary>Changes the dump workers of every collection at once; while paused the count is remembered for <see cref="Unpause"/>.</summary>
    public WorkerAdjustment AdjustDumpWorkers(int newCount) => Adjust(WorkerPoolKind.Dump, newCount);

    /// <summary>Changes the restore workers of every collection at once; while paused the count is remembered for <see cref="Unpause"/>.</summary>
    public WorkerAdjustment AdjustRestoreWorkers(int newCount) => Adjust(WorkerPoolKind.Restore, newCount);

    /// <summary>
    /// Changes the parallel inserts of each chunk (1 to 64); chunks that start from now on use the new count, running
    /// ones keep theirs. Remembered and saved like the pool counts, whether paused or not.
    /// </summary>
    public void AdjustInsertionWorkers(int newCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(newCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(newCount, MaxInsertionWorkers);
        Change(s => s with { InsertionWorkers = newCount });
    }

    /// <summary>Sets the job's pools to 0: running work finishes its current step, nothing new starts.</summary>
    public void Pause()
    {
        lock (_lock)
        {
            _paused = true;
        }

        ApplyAdaptive();
        ForEachPool(kind => Apply(kind, 0));
    }

    /// <summary>Gives every pool the counts of <see cref="Settings"/>.</summary>
    public void Unpause()
    {
        PoolSettings settings;
        lock (_lock)
        {
            _paused = false;
            settings = _settings;
        }

        ForEachPool(kind => Apply(kind, CountOf(settings, kind)));
        ApplyAdaptive();
    }

    /// <summary>Sets the counts that <see cref="Unpause"/> gives back (and a resumed job starts with), without applying them now.</summary>
    public void Remember(PoolSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.InsertionWorkers, 1);
        foreach (var kind in new[] { WorkerPoolKind.Dump, WorkerPoolKind.Restore })
        {
            if (HasPool(kind))
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(CountOf(settings, kind), 1, nameof(settings));
            }
        }

        Change(_ => Normalize(settings));
    }

    /// <summary>From now on every change of the remembered counts is saved with <paramref name="save"/>; saves the current ones first.</summary>
    public async Task AttachStoreAsync(Func<PoolSettings, CancellationToken, Task> save)
    {
        ArgumentNullException.ThrowIfNull(save);
        Task saving;
        lock (_lock)
        {
            _save = save;
            saving = _saving = SaveAfterAsync(_saving, save);
        }

        await saving.ConfigureAwait(false);
    }

    /// <summary>Stops saving changes and waits for the last save, before the store is closed.</summary>
    public async Task DetachStoreAsync()
    {
        Task saving;
        lock (_lock)
        {
            _save = null;
            saving = _saving;
        }

        await saving.ConfigureAwait(false);
    }

    private WorkerAdjustment Adjust(WorkerPoolKind kind, int newCount)
    {
        if (!HasPool(kind))
        {
            return new WorkerAdjustment(JobId, kind, 0, 0, 0);
        }

        bool paused;
        lock (_lock)
        {
            paused = _paused;
        }

        if (newCount > 0)
        {
            var limit = _coordinator.Options.MaxWorkersPerPool;
            ArgumentOutOfRangeException.ThrowIfGreaterThan(newCount, limit);
            Change(s => kind == WorkerPoolKind.Dump ? s with { DumpWorkers = newCount } : s with { RestoreWorkers = newCount });
        }

        if (paused)
        {
            return new WorkerAdjustment(JobId, kind, 0, 0, 0) { Deferred = newCount > 0 };
        }

        return Apply(kind, newCount);
    }

    /// <summary>Brings the pools' scaling policies in line with the setting: on only while adaptive and not paused.</summary>
    private void ApplyAdaptive()
    {
        bool on;
        PoolSettings settings;
        lock (_lock)
        {
            on = _adaptive && !_paused;
            settings = _settings;
        }

        ForEachPool(kind =>
        {
            if (_coordinator.FindPool(JobId, kind) is not { IsDisposed: false } pool)
            {
                return;
            }

            if (!on)
            {
                pool.DisableAdaptiveScaling();
            }
            else if (!pool.IsAdaptiveScalingEnabled)
            {
                var limit = pool.WorkerCountLimit;
                pool.EnableAdaptiveScaling(new AdaptiveScalingOptions
                {
                    MinWorkers = 1,
                    MaxWorkers = Math.Clamp(Math.Max(16, CountOf(settings, kind) * 4), 1, limit),
                });
            }
        });
    }

    private WorkerAdjustment Apply(WorkerPoolKind kind, int count) => kind == WorkerPoolKind.Dump
        ? _coordinator.AdjustDumpWorkers(JobId, count)
        : _coordinator.AdjustRestoreWorkers(JobId, count);

    private void Change(Func<PoolSettings, PoolSettings> change)
    {
        lock (_lock)
        {
            _settings = change(_settings);
            if (_save is { } save)
            {
                _saving = SaveAfterAsync(_saving, save);
            }
        }
    }

    /// <summary>Saves in order, each save writing the latest counts, so the last one stored is the last one set.</summary>
    private async Task SaveAfterAsync(Task previous, Func<PoolSettings, CancellationToken, Task> save)
    {
        // Off the caller's lock before touching the store.
        await Task.Yield();
        await previous.ConfigureAwait(false);
        try
        {
            await save(Settings, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A lost save only means a resumed job starts with older counts.
            _logger.LogWarning("Could not save the worker counts of job {JobId}: {Reason}", JobId, e.Message);
        }
    }

    private void ForEachPool(Action<WorkerPoolKind> action)
    {
        if (HasPool(WorkerPoolKind.Dump))
        {
            action(WorkerPoolKind.Dump);
        }

        if (HasPool(WorkerPoolKind.Restore))
        {
            action(WorkerPoolKind.Restore);
        }
    }

    private bool HasPool(WorkerPoolKind kind) => _onlyPool is null || _onlyPool == kind;

    private PoolSettings Normalize(PoolSettings settings) => _onlyPool switch
    {
        WorkerPoolKind.Dump => settings with { RestoreWorkers = 0 },
        WorkerPoolKind.Restore => settings with { DumpWorkers = 0 },
        _ => settings,
    };

    private static int CountOf(PoolSettings settings, WorkerPoolKind kind) =>
        kind == WorkerPoolKind.Dump ? settings.DumpWorkers : settings.RestoreWorkers;
}
