using Microsoft.Extensions.Logging;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Jobs;

/// <summary>
/// Live worker changes of a running job, and their record in the job state: a resumed job comes back with
/// the counts it last ran with. A pause (pools at 0) is never recorded, so a job stopped while paused does
/// not come back paused.
/// </summary>
public sealed partial class MigrationJob
{
    private readonly Lock _workerLock = new();
    private PoolSettings _workerSettings;
    private bool _paused;
    private IJobStateStore? _attachedState;
    private Task _saving = Task.CompletedTask;

    /// <summary>The worker counts the job runs with when not paused.</summary>
    public PoolSettings WorkerSettings
    {
        get
        {
            lock (_workerLock)
            {
                return _workerSettings;
            }
        }
    }

    /// <summary>True between <see cref="Pause"/> and <see cref="Unpause"/>.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_workerLock)
            {
                return _paused;
            }
        }
    }

    /// <summary>Changes the job's dump workers while it runs; every collection follows at once. 0 pauses the dump pool (running chunks finish).</summary>
    public WorkerAdjustment AdjustDumpWorkers(int newCount)
    {
        var adjustment = _coordinator.AdjustDumpWorkers(JobId, newCount);
        if (newCount > 0)
        {
            Remember(s => s with { DumpWorkers = newCount });
        }

        return adjustment;
    }

    /// <summary>Changes the job's restore workers while it runs; every collection follows at once. 0 pauses the restore pool.</summary>
    public WorkerAdjustment AdjustRestoreWorkers(int newCount)
    {
        var adjustment = _coordinator.AdjustRestoreWorkers(JobId, newCount);
        if (newCount > 0)
        {
            Remember(s => s with { RestoreWorkers = newCount });
        }

        return adjustment;
    }

    /// <summary>Sets both pools to 0: running chunks finish their current step, no new ones start. Ctrl+C still stops cleanly.</summary>
    public void Pause()
    {
        lock (_workerLock)
        {
            _paused = true;
        }

        _coordinator.AdjustDumpWorkers(JobId, 0);
        _coordinator.AdjustRestoreWorkers(JobId, 0);
    }

    /// <summary>Gives both pools back the counts they had before <see cref="Pause"/>.</summary>
    public void Unpause()
    {
        PoolSettings settings;
        lock (_workerLock)
        {
            _paused = false;
            settings = _workerSettings;
        }

        _coordinator.AdjustDumpWorkers(JobId, settings.DumpWorkers);
        _coordinator.AdjustRestoreWorkers(JobId, settings.RestoreWorkers);
    }

    /// <summary>Sets the counts that <see cref="Unpause"/> gives back (and a resumed job starts with), without applying them now.</summary>
    public void RememberWorkers(PoolSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.DumpWorkers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.RestoreWorkers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.InsertionWorkers, 1);
        Remember(_ => settings);
    }

    /// <summary>From now on, every change of the worker counts is saved; saves the current ones.</summary>
    private async Task AttachStateAsync(IJobStateStore state)
    {
        Task saving;
        lock (_workerLock)
        {
            _attachedState = state;
            saving = _saving = SaveAfterAsync(_saving, state);
        }

        await saving.ConfigureAwait(false);
    }

    /// <summary>Stops saving changes and waits for the last save, before the state is closed.</summary>
    private async Task DetachStateAsync()
    {
        Task saving;
        lock (_workerLock)
        {
            _attachedState = null;
            saving = _saving;
        }

        await saving.ConfigureAwait(false);
    }

    private void Remember(Func<PoolSettings, PoolSettings> change)
    {
        lock (_workerLock)
        {
            _workerSettings = change(_workerSettings);
            if (_attachedState is { } state)
            {
                _saving = SaveAfterAsync(_saving, state);
            }
        }
    }

    /// <summary>Saves in order, each save writing the latest counts, so the last one stored is the last one set.</summary>
    private async Task SaveAfterAsync(Task previous, IJobStateStore state)
    {
        // Off the caller's lock before touching the store.
        await Task.Yield();
        await previous.ConfigureAwait(false);
        var settings = WorkerSettings;
        try
        {
            await state.SavePoolSettingsAsync(JobId, settings, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A lost save only means a resumed job starts with older counts.
            _logger.LogWarning("Could not save the worker counts of job {JobId}: {Reason}", JobId, e.Message);
        }
    }
}
