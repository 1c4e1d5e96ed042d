using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.DumpJobs;

/// <summary>
/// Live worker changes and pause of a dump or restore job, which has one pool: the other pool's count stays 0
/// and changing it does nothing. While paused the pool is at 0; a change of its count waits for the unpause.
/// </summary>
internal sealed class SinglePoolSteering(WorkerPoolCoordinator coordinator, string jobId, WorkerPoolKind kind, int workers)
{
    private readonly Lock _lock = new();
    private int _workers = workers;
    private bool _paused;

    public PoolSettings Settings
    {
        get
        {
            lock (_lock)
            {
                return kind == WorkerPoolKind.Dump ? new PoolSettings(_workers, 0, 1) : new PoolSettings(0, _workers, 1);
            }
        }
    }

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

    /// <summary>Sets the pool's count when <paramref name="requested"/> is this job's kind; otherwise changes nothing.</summary>
    public WorkerAdjustment Adjust(WorkerPoolKind requested, int newCount)
    {
        if (requested != kind)
        {
            return new WorkerAdjustment(jobId, requested, 0, 0, 0);
        }

        lock (_lock)
        {
            if (newCount > 0)
            {
                _workers = newCount;
            }
        }

        return Apply(newCount);
    }

    public void Pause()
    {
        lock (_lock)
        {
            _paused = true;
        }

        Apply(0);
    }

    public void Unpause()
    {
        int count;
        lock (_lock)
        {
            _paused = false;
            count = _workers;
        }

        Apply(count);
    }

    public void Remember(PoolSettings settings)
    {
        var count = kind == WorkerPoolKind.Dump ? settings.DumpWorkers : settings.RestoreWorkers;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_lock)
        {
            _workers = count;
        }
    }

    private WorkerAdjustment Apply(int count) => kind == WorkerPoolKind.Dump
        ? coordinator.AdjustDumpWorkers(jobId, count)
        : coordinator.AdjustRestoreWorkers(jobId, count);
}
