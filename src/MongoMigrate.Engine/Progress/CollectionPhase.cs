namespace MongoMigrate.Engine.Progress;

/// <summary>What a collection is doing now, for displays.</summary>
public enum CollectionPhase
{
    Waiting,
    Planning,
    Copying,
    Indexing,
    Verifying,
    Done,
    Failed,
}
