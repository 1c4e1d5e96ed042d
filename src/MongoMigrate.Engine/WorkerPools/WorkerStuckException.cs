namespace MongoMigrate.Engine.WorkerPools;

/// <summary>The last attempt at a work item was declared stuck by the health check, so the item has no attempt left.</summary>
public sealed class WorkerStuckException : Exception
{
    public WorkerStuckException(string message)
        : base(message)
    {
    }
}
