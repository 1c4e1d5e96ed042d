using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Jobs;

/// <summary>What the progress displays and the steering keys need of a running job: migration, dump or restore.</summary>
public interface IRunningJob
{
    string JobId { get; }

    JobProgress Progress { get; }

    /// <summary>The job's pools as they are now, or null before they exist.</summary>
    JobWorkerPoolsSnapshot? Pools { get; }

    /// <summary>The worker counts the job runs with when not paused (0 for a pool the job does not have).</summary>
    PoolSettings WorkerSettings { get; }

    /// <summary>True between <see cref="Pause"/> and <see cref="Unpause"/>.</summary>
    bool IsPaused { get; }

    /// <summary>Changes the job's dump workers while it runs; a job without a dump pool changes nothing.</summary>
    WorkerAdjustment AdjustDumpWorkers(int newCount);

    /// <summary>Changes the job's restore workers while it runs; a job without a restore pool changes nothing.</summary>
    WorkerAdjustment AdjustRestoreWorkers(int newCount);

    /// <summary>Sets the job's pools to 0: running work finishes its current step, nothing new starts.</summary>
    void Pause();

    /// <summary>Gives the pools back the counts of <see cref="WorkerSettings"/>.</summary>
    void Unpause();

    /// <summary>Sets the counts that <see cref="Unpause"/> gives back, without applying them now.</summary>
    void RememberWorkers(PoolSettings settings);
}
