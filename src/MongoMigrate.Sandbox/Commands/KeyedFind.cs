using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// The find options that read an index's keys, as mongod 7.0 answers them: min (inclusive) and max (exclusive)
/// bounds on the hinted index's key, which then also orders the results; returnKey, which returns a document's key
/// in the hinted index ({} without a hint, as a collection scan gives); showRecordId, which adds $recordId.
/// </summary>
internal sealed class KeyedFind
{
    private readonly IndexKeys? _index;
    private readonly RawBsonValue[]? _min;
    private readonly RawBsonValue[]? _max;

    private KeyedFind(IndexKeys? index, RawBsonValue[]? min, RawBsonValue[]? max, bool returnKey, bool showRecordId)
    {
        _index = index;
        _min = min;
        _max = max;
        ReturnKey = returnKey;
        ShowRecordId = showRecordId;
    }

    public bool ReturnKey { get; }

    public bool ShowRecordId { get; }

    /// <summary>Null when the find uses none of min, max, returnKey, showRecordId.</summary>
    public static KeyedFind? Parse(CommandContext context, CollectionStore? store)
    {
        RawDocument? min = context.GetDocument("min") is { IsEmpty: false } m ? m : null;
        RawDocument? max = context.GetDocument("max") is { IsEmpty: false } x ? x : null;
        var returnKey = context.GetBoolean("returnKey", false);
        var showRecordId = context.GetBoolean("showRecordId", false);
        if (min is null && max is null && !returnKey && !showRecordId)
        {
            return null;
        }

        var hinted = HintedIndex(context, store);
        if ((min is not null || max is not null) && hinted is null)
        {
            throw new CommandException(51173, "When using min()/max() a hint of which index to use must be provided");
        }

        var keys = hinted is null ? null : IndexKeys.Compile(hinted.KeyPattern);
        return new KeyedFind(keys, Bound(min, keys), Bound(max, keys), returnKey, showRecordId);
    }

    /// <summary>The documents within min/max, in the hinted index's order when bounded, else as given.</summary>
    public IEnumerable<StoredDocument> Select(IEnumerable<StoredDocument> matching)
    {
        if (_index is null || (_min is null && _max is null))
        {
            return matching;
        }

        var comparer = _index.Comparer;
        return matching
            .Select(d => (Document: d, Key: _index.GetKeys(d.Document).Min(comparer)!))
            .Where(k => (_min is null || comparer.Compare(k.Key, _min) >= 0) && (_max is null || comparer.Compare(k.Key, _max) < 0))
            .OrderBy(k => k.Key, comparer)
            .Select(k => k.Document);
    }

    /// <summary>What the client receives for one document: its index key, or the projected document, with $recordId if asked.</summary>
    public RawDocument Output(StoredDocument stored, Func<RawDocument, RawDocument> project)
    {
        var builder = new BsonBuilder(256).StartDocument();
        if (ReturnKey)
        {
            if (_index is not null)
            {
                var key = _index.GetKeys(stored.Document).Min(_index.Comparer)!;
                for (var i = 0; i < key.Length; i++)
                {
                    builder.Value(_index.Fields[i], key[i].Type == BsonTypeCode.EndOfDocument ? BsonValues.Null : key[i]);
                }
            }
        }
        else
        {
            foreach (var element in project(stored.Document))
            {
                builder.Element(element);
            }
        }

        if (ShowRecordId)
        {
            builder.Int64("$recordId", stored.RecordId);
        }

        return builder.End().ToDocument();
    }

    private static IndexDefinition? HintedIndex(CommandContext context, CollectionStore? store)
    {
        if (store is null || !context.TryGet("hint", out var hint))
        {
            return null;
        }

        return hint.Type switch
        {
            BsonTypeCode.String => store.Indexes.FirstOrDefault(i => i.Name == hint.AsString),
            BsonTypeCode.Document => store.Indexes.FirstOrDefault(i => BsonOrder.CompareDocuments(i.KeyPattern, hint.AsDocument) == 0),
            _ => null,
        };
    }

    /// <summary>A min or max document as a key tuple: its fields must be the index's key fields, in order (else 51174).</summary>
    private static RawBsonValue[]? Bound(RawDocument? bound, IndexKeys? keys)
    {
        if (bound is null || keys is null)
        {
            return null;
        }

        var values = new List<RawBsonValue>();
        foreach (var element in bound.Value)
        {
            if (values.Count >= keys.Fields.Count || element.Name != keys.Fields[values.Count])
            {
                throw new CommandException(51174, "The index chosen is not consistent with min/max");
            }

            values.Add(element.Value);
        }

        return values.Count == keys.Fields.Count ? [.. values] : throw new CommandException(51174, "The index chosen is not consistent with min/max");
    }
}
