using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>A unique secondary index: which stored document owns each key, keys compared in BSON order (1 equals 1.0).</summary>
internal sealed class UniqueIndex(IndexDefinition definition, IIndexKeyGenerator keyGenerator)
{
    private readonly Dictionary<RawBsonValue, StoredDocument> _owners = new(BsonOrder.Instance);

    public IndexDefinition Definition { get; } = definition;

    public List<RawDocument> KeysOf(RawDocument document) => keyGenerator.GetKeys(Definition, document);

    public bool TryGetOwner(RawDocument key, out StoredDocument owner) => _owners.TryGetValue(key.AsValue(), out owner!);

    public void Add(RawDocument key, StoredDocument owner) => _owners[key.AsValue()] = owner;

    public void Remove(RawDocument key, StoredDocument owner)
    {
        if (_owners.TryGetValue(key.AsValue(), out var current) && ReferenceEquals(current, owner))
        {
            _owners.Remove(key.AsValue());
        }
    }

    public void Clear() => _owners.Clear();
}
