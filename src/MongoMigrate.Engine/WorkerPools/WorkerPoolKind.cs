namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Which of a job's two pools: the one that reads chunks from the source or the one that writes them to the target.</summary>
public enum WorkerPoolKind
{
    Dump,
    Restore,
}
