using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// The keys a document produces for an index key pattern ({a: 1, "b.c": -1}): one tuple per document, or one
/// per element when a field is an array (multikey), duplicates removed. A missing field keys as null, so on
/// a unique index two documents without the field collide, as on the server.
/// </summary>
public sealed class IndexKeys
{
    private readonly FieldPath[] _paths;
    private readonly bool[] _descending;

    private IndexKeys(FieldPath[] paths, bool[] descending, RawDocument pattern)
    {
        _paths = paths;
        _descending = descending;
        KeyPattern = pattern;
    }

    public RawDocument KeyPattern { get; }

    public IReadOnlyList<string> Fields => _paths.Select(p => p.Dotted).ToArray();

    /// <summary>Compares key tuples in index order (each field ascending or descending as the pattern says).</summary>
    public IComparer<RawBsonValue[]> Comparer => new KeyComparer(_descending);

    /// <summary>Equality of key tuples in MongoDB's order (1 equals 1.0), for unique-index checks.</summary>
    public static IEqualityComparer<RawBsonValue[]> KeyEquality { get; } = new KeyTupleEquality();

    /// <summary>Parses a key pattern; only ascending/descending keys are supported.</summary>
    public static IndexKeys Compile(RawDocument keyPattern)
    {
        var paths = new List<FieldPath>();
        var descending = new List<bool>();
        foreach (var element in keyPattern)
        {
            var name = element.Name;
            var value = element.Value;
            if (value.Type == BsonTypeCode.String)
            {
                throw new CommandException(ServerErrorCode.CannotCreateIndex, $"The sandbox does not support '{value.AsString}' indexes (key {name})");
            }

            if (!value.IsNumeric || NumberValue.From(value).Sign == 0)
            {
                throw new CommandException(ServerErrorCode.CannotCreateIndex, $"Values in the index key pattern can only be numbers or strings, and numbers must not be 0: {BsonValues.Describe(name, value)}");
            }

            if (name.Length == 0 || name.Split('.').Any(p => p.Length == 0))
            {
                throw new CommandException(ServerErrorCode.CannotCreateIndex, $"Index keys cannot be an empty field: {BsonDebugText.Format(keyPattern)}");
            }

            paths.Add(FieldPath.Parse(name));
            descending.Add(NumberValue.From(value).Sign < 0);
        }

        if (paths.Count == 0)
        {
            throw new CommandException(ServerErrorCode.CannotCreateIndex, "Index keys cannot be empty.");
        }

        return new IndexKeys([.. paths], [.. descending], keyPattern);
    }

    /// <summary>The distinct key tuples of a document; fails with code 171 when two key fields are arrays.</summary>
    public List<RawBsonValue[]> GetKeys(RawDocument document)
    {
        var perField = new List<RawBsonValue>[_paths.Length];
        var arrayField = -1;
        for (var i = 0; i < _paths.Length; i++)
        {
            var values = new List<RawBsonValue>(1);
            _paths[i].CollectKeyValues(document, values, out var expanded);
            if (expanded)
            {
                if (arrayField >= 0)
                {
                    throw new CommandException(171, $"cannot index parallel arrays [{_paths[i].Parts[^1]}] [{_paths[arrayField].Parts[^1]}]");
                }

                arrayField = i;
            }

            perField[i] = values;
        }

        var keys = new List<RawBsonValue[]>();
        if (arrayField < 0)
        {
            var key = new RawBsonValue[_paths.Length];
            for (var i = 0; i < key.Length; i++)
            {
                key[i] = perField[i][0];
            }

            keys.Add(key);
            return keys;
        }

        var seen = new HashSet<RawBsonValue>(BsonOrder.Instance);
        foreach (var value in perField[arrayField])
        {
            if (!seen.Add(value))
            {
                continue;
            }

            var key = new RawBsonValue[_paths.Length];
            for (var i = 0; i < key.Length; i++)
            {
                key[i] = i == arrayField ? value : perField[i][0];
            }

            keys.Add(key);
        }

        return keys;
    }

    private sealed class KeyComparer(bool[] descending) : IComparer<RawBsonValue[]>
    {
        public int Compare(RawBsonValue[]? x, RawBsonValue[]? y)
        {
            for (var i = 0; i < descending.Length; i++)
            {
                var c = BsonOrder.CompareValues(x![i], y![i]);
                if (c != 0)
                {
                    return descending[i] ? -c : c;
                }
            }

            return 0;
        }
    }

    private sealed class KeyTupleEquality : IEqualityComparer<RawBsonValue[]>
    {
        public bool Equals(RawBsonValue[]? x, RawBsonValue[]? y)
        {
            if (x!.Length != y!.Length)
            {
                return false;
            }

            for (var i = 0; i < x.Length; i++)
            {
                if (BsonOrder.CompareValues(x[i], y[i]) != 0)
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(RawBsonValue[] obj)
        {
            var hash = default(HashCode);
            foreach (var value in obj)
            {
                hash.Add(BsonOrder.Hash(value));
            }

            return hash.ToHashCode();
        }
    }
}
