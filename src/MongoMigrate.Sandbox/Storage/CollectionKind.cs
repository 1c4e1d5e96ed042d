namespace MongoMigrate.Sandbox.Storage;

/// <summary>What listCollections reports as a namespace's type.</summary>
internal enum CollectionKind
{
    Collection,
    View,
    TimeSeries,
}
