namespace MongoMigrate.Engine.State;

/// <summary>Where a job stands.</summary>
public enum JobStatus
{
    Created,
    Running,

    /// <summary>Stopped by the user (Ctrl+C) or killed: resumable.</summary>
    Stopped,
    Completed,

    /// <summary>Finished with collections that failed: resumable to retry them.</summary>
    Failed,
}
