using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Jobs;

/// <summary>A job as a display sees it while it runs: its id, live progress, its pools, and the knobs that steer them.</summary>
public interface IRunningJob
{
    string JobId { get; }

    JobProgress Progress { get; }

    /// <summary>The job's pools as they are now, or null before they exist.</summary>
    JobWorkerPoolsSnapshot? Pools { get; }

    /// <summary>Dump workers the job started with (0 when it has no dump pool).</summary>
    int DumpWorkers { get; }

    /// <summary>Restore workers the job started with (0 when it has no restore pool).</summary>
    int RestoreWorkers { get; }

    /// <summary>Changes the job's dump workers while it runs; a job without a dump pool changes nothing.</summary>
    WorkerAdjustment AdjustDumpWorkers(int newCount);

    /// <summary>Changes the job's restore workers while it runs; a job without a restore pool changes nothing.</summary>
    WorkerAdjustment AdjustRestoreWorkers(int newCount);
}
