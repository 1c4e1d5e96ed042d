namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>The idempotent write a document event becomes on the target.</summary>
public enum ApplyOperationKind
{
    /// <summary>Replace the document by _id with the event's full document, inserting it when absent (insert and replace events).</summary>
    Replace,

    /// <summary>Apply the event's update description ($set, $unset, $push with $slice) to the document by _id, if it is there.</summary>
    Update,

    /// <summary>Delete the document by _id.</summary>
    Delete,

    /// <summary>Read the document by _id from the source and replace the target's with it, or delete it if the source has none.</summary>
    Refresh,
}
