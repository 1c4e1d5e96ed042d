namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Where a tracked worker is in its life; only <see cref="Running"/> and <see cref="Stuck"/> workers stay in the tracking table.</summary>
public enum WorkerState
{
    Running,

    /// <summary>No progress for longer than the configured timeout: cancellation was requested and its work item handed back.</summary>
    Stuck,
    Succeeded,
    Failed,
    Canceled,
}
