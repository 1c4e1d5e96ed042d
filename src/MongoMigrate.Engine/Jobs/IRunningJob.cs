using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Jobs;

/// <summary>What the progress displays and the steering keys need of a running job: migration, dump or restore.</summary>
public interface IRunningJob
{
    string JobId { get; }

    JobProgress Progress { get; }

    /// <summary>The job's pools as they are now, or null before they exist.</summary>
    JobWorkerPoolsSnapshot? Pools { get; }

    /// <summary>Worker counts and pause, live.</summary>
    JobSteering Steering { get; }
}
