using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// A unique secondary index: which stored document owns each key, keys compared in BSON order (1 equals 1.0).
/// Sparse indexes skip documents that have none of the key fields; partial indexes skip documents outside their filter.
/// An index with prepareUnique (collMod) refuses new duplicates but may hold older ones: those owners are kept beside.
/// </summary>
internal sealed class UniqueIndex
{
    private readonly Dictionary<RawBsonValue, StoredDocument> _owners = new(BsonOrder.Instance);
    private readonly Dictionary<RawBsonValue, List<StoredDocument>> _moreOwners = new(BsonOrder.Instance);
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

    /// <summary>A document other than <paramref name="except"/> that holds the key, or null.</summary>
    public StoredDocument? OtherOwner(RawDocument key, StoredDocument? except)
    {
        if (!_owners.TryGetValue(key.AsValue(), out var owner))
        {
            return null;
        }

        if (!ReferenceEquals(owner, except))
        {
            return owner;
        }

        return _moreOwners.TryGetValue(key.AsValue(), out var more) ? more.FirstOrDefault(o => !ReferenceEquals(o, except)) : null;
    }

    public void Add(RawDocument key, StoredDocument owner)
    {
        if (!_owners.TryAdd(key.AsValue(), owner) && !ReferenceEquals(_owners[key.AsValue()], owner))
        {
            if (!_moreOwners.TryGetValue(key.AsValue(), out var more))
            {
                more = [];
                _moreOwners[key.AsValue()] = more;
            }

            more.Add(owner);
        }
    }

    public void Remove(RawDocument key, StoredDocument owner)
    {
        var value = key.AsValue();
        _moreOwners.TryGetValue(value, out var more);
        if (_owners.TryGetValue(value, out var current) && ReferenceEquals(current, owner))
        {
            if (more is { Count: > 0 })
            {
                _owners[value] = more[^1];
                more.RemoveAt(more.Count - 1);
            }
            else
            {
                _owners.Remove(value);
            }
        }
        else
        {
            more?.RemoveAll(o => ReferenceEquals(o, owner));
        }

        if (more is { Count: 0 })
        {
            _moreOwners.Remove(value);
        }
    }

    /// <summary>The _ids of the documents that share a key, one group per key (what collMod unique: true reports as violations).</summary>
    public IReadOnlyList<IReadOnlyList<RawBsonValue>> Violations() =>
        [.. _moreOwners.Where(m => m.Value.Count > 0).Select(m => (IReadOnlyList<RawBsonValue>)[_owners[m.Key].Id, .. m.Value.Select(o => o.Id)])];

    public void Clear()
    {
        _owners.Clear();
        _moreOwners.Clear();
    }

    /// <summary>The index over <paramref name="documents"/>, duplicates kept (an index made prepareUnique over older duplicates).</summary>
    public static UniqueIndex Over(IndexDefinition definition, IEnumerable<StoredDocument> documents)
    {
        var index = new UniqueIndex(definition);
        foreach (var stored in documents)
        {
            foreach (var key in index.KeysOf(stored.Document))
            {
                index.Add(key, stored);
            }
        }

        return index;
    }
}
