namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// Told of every write the storage makes (the change log is one), so the storage never calls up into
/// the layers that read its history. Called under the written collection's lock: keep it short.
/// </summary>
internal interface IStorageObserver
{
    void OnChange(in StorageChange change);

    /// <summary>A new cluster time, later than every earlier one: what an insert writes in place of a top-level Timestamp(0,0).</summary>
    ulong NextClusterTime();
}
