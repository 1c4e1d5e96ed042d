using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// A compiled sort ({a: 1, "b.c": -1}). An array sorts by its smallest element ascending and its largest
/// descending, an empty array before null, a missing field as null. <see cref="Sort"/> is stable.
/// </summary>
public sealed class SortSpecification : IComparer<RawDocument>
{
    private readonly FieldPath[] _paths;
    private readonly bool[] _descending;

    private SortSpecification(FieldPath[] paths, bool[] descending, int naturalDirection)
    {
        _paths = paths;
        _descending = descending;
        NaturalDirection = naturalDirection;
    }

    /// <summary>No sort: every document compares equal, so the input order stands.</summary>
    public static SortSpecification None { get; } = new([], [], 0);

    /// <summary>True when the sort is {$natural: 1} or {$natural: -1}: storage order, not a field sort.</summary>
    public bool IsNatural => NaturalDirection != 0;

    /// <summary>1 or -1 for a $natural sort, else 0.</summary>
    public int NaturalDirection { get; }

    /// <summary>True when there are no field keys (an empty or $natural sort).</summary>
    public bool IsEmpty => _paths.Length == 0;

    public IReadOnlyList<string> Fields => _paths.Select(p => p.Dotted).ToArray();

    public static SortSpecification Compile(RawDocument sort)
    {
        var paths = new List<FieldPath>();
        var descending = new List<bool>();
        var natural = 0;
        foreach (var element in sort)
        {
            var name = element.Name;
            var value = element.Value;
            if (value.Type == BsonTypeCode.Document)
            {
                if (value.AsDocument.TryGetValue("$meta", out _))
                {
                    throw new CommandException(ServerErrorCode.BadValue, "$meta sort is not supported by the sandbox");
                }

                throw new CommandException(15974, $"Illegal key in $sort specification: {BsonValues.Describe(name, value)}");
            }

            if (!value.IsNumeric)
            {
                throw new CommandException(15974, $"Illegal key in $sort specification: {BsonValues.Describe(name, value)}");
            }

            var direction = value.ToDouble();
            if (direction is not (1 or -1))
            {
                throw new CommandException(15975, "$sort key ordering must be 1 (for ascending) or -1 (for descending)");
            }

            if (name == "$natural")
            {
                natural = direction > 0 ? 1 : -1;
                continue;
            }

            ValidatePath(name);
            paths.Add(FieldPath.Parse(name));
            descending.Add(direction < 0);
        }

        if (paths.Count == 0 && natural == 0)
        {
            return None;
        }

        return new SortSpecification([.. paths], [.. descending], natural);
    }

    private static void ValidatePath(string name)
    {
        if (name.Length == 0)
        {
            throw new CommandException(40352, "FieldPath cannot be constructed with empty string");
        }

        foreach (var part in name.Split('.'))
        {
            if (part.Length == 0)
            {
                throw new CommandException(15998, "FieldPath field names may not be empty strings.");
            }

            if (part.StartsWith('$'))
            {
                throw new CommandException(16410, "FieldPath field names may not start with '$'. Consider using $getField or $setField.");
            }
        }
    }

    /// <summary>The values a document sorts by, one per key.</summary>
    public RawBsonValue[] GetSortKey(RawDocument document)
    {
        var key = new RawBsonValue[_paths.Length];
        var values = new List<RawBsonValue>(4);
        var arrayPaths = 0;
        for (var i = 0; i < _paths.Length; i++)
        {
            values.Clear();
            _paths[i].CollectKeyValues(document, values, out var expanded);
            if (expanded && ++arrayPaths > 1)
            {
                throw new CommandException(ServerErrorCode.BadValue, "cannot sort with keys that are parallel arrays");
            }

            var best = values[0];
            for (var j = 1; j < values.Count; j++)
            {
                var c = BsonOrder.CompareValues(values[j], best);
                if (_descending[i] ? c > 0 : c < 0)
                {
                    best = values[j];
                }
            }

            key[i] = best;
        }

        return key;
    }

    public int CompareKeys(RawBsonValue[] left, RawBsonValue[] right)
    {
        for (var i = 0; i < _paths.Length; i++)
        {
            var c = BsonOrder.CompareValues(left[i], right[i]);
            if (c != 0)
            {
                return _descending[i] ? -c : c;
            }
        }

        return 0;
    }

    public int Compare(RawDocument x, RawDocument y) => _paths.Length == 0 ? 0 : CompareKeys(GetSortKey(x), GetSortKey(y));

    /// <summary>Sorts documents stably, extracting each document's key once.</summary>
    public List<RawDocument> Sort(IEnumerable<RawDocument> documents)
    {
        var list = documents as List<RawDocument> ?? [.. documents];
        if (_paths.Length == 0)
        {
            if (NaturalDirection < 0)
            {
                list.Reverse();
            }

            return list;
        }

        var keyed = new (RawBsonValue[] Key, int Index)[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            keyed[i] = (GetSortKey(list[i]), i);
        }

        Array.Sort(keyed, (l, r) =>
        {
            var c = CompareKeys(l.Key, r.Key);
            return c != 0 ? c : l.Index.CompareTo(r.Index);
        });

        var sorted = new List<RawDocument>(list.Count);
        foreach (var (_, index) in keyed)
        {
            sorted.Add(list[index]);
        }

        return sorted;
    }
}
