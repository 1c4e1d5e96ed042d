namespace MongoMigrate.Engine.WorkerPools;

/// <summary>A work queue stopped because an item failed for good; the inner exception is the item's last error.</summary>
public sealed class WorkItemFailedException : Exception
{
    public WorkItemFailedException(string collectionKey, object? item, string? itemDescription, int attempts, Exception innerException)
        : base(
            $"Work item {itemDescription ?? "(unnamed)"} of {collectionKey} failed after {attempts} attempt(s): {innerException.Message}",
            innerException)
    {
        CollectionKey = collectionKey;
        Item = item;
        ItemDescription = itemDescription;
        Attempts = attempts;
    }

    public string CollectionKey { get; }

    public object? Item { get; }

    public string? ItemDescription { get; }

    public int Attempts { get; }
}
