using MongoMigrate.Bson;

namespace MongoMigrate.Datasets;

/// <summary>One generated collection: its name, size, _id type, document shape and indexes.</summary>
public sealed record CollectionSpec
{
    public required string Name { get; init; }

    public required long Documents { get; init; }

    public IdKind Ids { get; init; } = IdKind.ObjectId;

    /// <summary>Builds document number i (after its _id) with the given randomness.</summary>
    public required Action<BsonBuilder, long, Random> Body { get; init; }

    /// <summary>createIndexes specifications ({key, name, unique...}).</summary>
    public IReadOnlyList<RawDocument> Indexes { get; init; } = [];
}
