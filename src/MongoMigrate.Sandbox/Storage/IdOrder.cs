using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>Orders stored documents by _id in MongoDB's comparison order, which is what an _id index scan returns.</summary>
internal sealed class IdOrder : IComparer<StoredDocument>
{
    public static IdOrder Instance { get; } = new();

    public int Compare(StoredDocument? x, StoredDocument? y) => BsonOrder.CompareValues(x!.Id, y!.Id);
}
