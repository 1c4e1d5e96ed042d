namespace MongoMigrate.Engine.State;

/// <summary>Where one collection of a job stands.</summary>
public enum CollectionStatus
{
    Pending,

    /// <summary>Target created and chunks planned.</summary>
    Planned,
    Copying,

    /// <summary>All chunks restored; secondary indexes still to build.</summary>
    Copied,
    Completed,
    Failed,
}
