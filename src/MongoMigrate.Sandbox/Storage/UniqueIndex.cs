using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// A unique secondary index: which stored document owns each key, keys compared in BSON order (1 equals 1.0).
/// Sparse indexes skip documents that have none of the key fields; partial indexes skip documents outside their filter.
/// </summary>
internal sealed class UniqueIndex
{
    private readonly Dictionary<RawBsonValue, StoredDocument> _owners = new(BsonOrder.Instance);
    private readonly IndexKeys _keys;
    private readonly QueryFilter? _partialFilter;

    public UniqueIndex(IndexDefinition definition)
    {
        Definition = definition;
        _keys = IndexKeys.Compile(definition.KeyPattern);
        _partialFilter = definition.PartialFilter is { } partial ? QueryFilter.Compile(partial) : null;
    }

    public IndexDefinition Definition { get; }

    /// <summary>The keys a document puts in this index, as documents named after the key fields (how E11000 reports them).</summary>
    public List<RawDocument> KeysOf(RawDocument document)
    {
        if (_partialFilter is not null && !_partialFilter.Matches(document))
        {
            return [];
        }

        if (Definition.Sparse && !_keys.Fields.Any(f => HasField(document, f)))
        {
            return [];
        }

        var result = new List<RawDocument>();
        foreach (var tuple in _keys.GetKeys(document))
        {
            var builder = new BsonBuilder(64).StartDocument();
            for (var i = 0; i < tuple.Length; i++)
            {
                builder.Value(_keys.Fields[i], tuple[i]);
            }

            result.Add(builder.End().ToDocument());
        }

        return result;
    }

    /// <summary>Whether the document has the field at all (a null counts; a missing field does not, as a sparse index skips it).</summary>
    private static bool HasField(RawDocument document, string field) =>
        FieldPath.Parse(field).Candidates(document, traverseLeafArrays: false).Any(v => !v.IsMissing());

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
