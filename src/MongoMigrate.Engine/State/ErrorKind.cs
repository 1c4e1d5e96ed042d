namespace MongoMigrate.Engine.State;

/// <summary>What an error recorded in the job state was about.</summary>
public enum ErrorKind
{
    /// <summary>One attempt at a chunk failed; it may have been retried.</summary>
    AttemptFailed,

    /// <summary>A chunk failed for good in a run, after its attempts.</summary>
    ChunkFailed,

    /// <summary>A collection could not be finished in a run.</summary>
    CollectionFailed,
}
