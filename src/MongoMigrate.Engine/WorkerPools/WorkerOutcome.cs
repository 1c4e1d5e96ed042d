namespace MongoMigrate.Engine.WorkerPools;

/// <summary>How a worker ended, as reported when it is marked completed; it decides which pool counter goes up.</summary>
public enum WorkerOutcome
{
    Succeeded,
    Failed,
    Canceled,
}
