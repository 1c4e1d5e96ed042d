using MongoMigrate.Bson;
using MongoMigrate.Engine.Indexes;

namespace MongoMigrate.Engine.Restoring;

/// <summary>
/// Turns a dump's collection options and index specs into what today's servers accept, as mongorestore does:
/// legacy options are left out, legacy index key values become 1, and indexes that become duplicates are dropped.
/// Every change is noted for the summary.
/// </summary>
internal static class RestoreMetadata
{
    /// <summary>
    /// Options that only older servers knew: flags (MMAPv1 record allocation) and autoIndexId (every collection
    /// outside 'local' has an _id index since 4.0; 8.2 refuses the option).
    /// </summary>
    private static readonly string[] LegacyOptions = ["flags", "autoIndexId"];

    public static RawDocument PrepareOptions(RawDocument options, List<string> notes)
    {
        if (!LegacyOptions.Any(options.Contains))
        {
            return options;
        }

        var builder = new BsonBuilder(options.Length).StartDocument();
        foreach (var element in options)
        {
            if (LegacyOptions.Contains(element.Name, StringComparer.Ordinal))
            {
                notes.Add($"left out the legacy collection option {element.Name}: {BsonDebugText.Format(element.Value)}, which current servers refuse or ignore");
                continue;
            }

            builder.Element(element);
        }

        return builder.End().ToDocument();
    }

    /// <summary>The secondary index specs to build, legacy key values converted and duplicates dropped (the _id index is implied).</summary>
    public static List<RawDocument> PrepareIndexes(IReadOnlyList<RawDocument> indexes, List<string> notes)
    {
        var result = new List<RawDocument>();
        var keys = new List<RawDocument>();
        foreach (var spec in indexes)
        {
            if (IndexSpecification.IsIdIndex(spec) || !spec.TryGetValue("key", out var keyValue) || keyValue.Type != BsonTypeCode.Document)
            {
                continue;
            }

            var key = keyValue.AsDocument;
            var converted = ConvertLegacyKey(key);
            if (converted is { } newKey)
            {
                notes.Add($"index {IndexSpecification.Name(spec)}: legacy key {BsonDebugText.Format(key.AsValue())} built as {BsonDebugText.Format(newKey.AsValue())}");
                key = newKey;
            }

            if (keys.Any(k => SameKey(k, key)))
            {
                notes.Add($"index {IndexSpecification.Name(spec)} left out: its key {BsonDebugText.Format(key.AsValue())} is the same as another index's");
                continue;
            }

            keys.Add(key);
            result.Add(converted is null ? spec : WithKey(spec, key));
        }

        return result;
    }

    /// <summary>
    /// Before 3.4 any key value that was not a negative number or a known string meant ascending; since then only
    /// non-zero numbers and index type names are accepted. Returns null when nothing needs converting.
    /// </summary>
    private static RawDocument? ConvertLegacyKey(RawDocument key)
    {
        var needed = false;
        foreach (var element in key)
        {
            needed |= IsLegacy(element.Value);
        }

        if (!needed)
        {
            return null;
        }

        var builder = new BsonBuilder(key.Length + 16).StartDocument();
        foreach (var element in key)
        {
            if (IsLegacy(element.Value))
            {
                builder.Int32(element.Name, 1);
            }
            else
            {
                builder.Element(element);
            }
        }

        return builder.End().ToDocument();
    }

    private static bool IsLegacy(RawBsonValue value) =>
        value.IsNumeric ? value.ToDouble() == 0 : value.Type != BsonTypeCode.String || value.AsUtf8String.IsEmpty;

    /// <summary>Same fields in the same order, numbers equal by value (1 and 1.0), strings equal.</summary>
    private static bool SameKey(RawDocument left, RawDocument right)
    {
        var a = left.GetEnumerator();
        var b = right.GetEnumerator();
        while (true)
        {
            var hasA = a.MoveNext();
            var hasB = b.MoveNext();
            if (hasA != hasB)
            {
                return false;
            }

            if (!hasA)
            {
                return true;
            }

            if (a.Current.Name != b.Current.Name || BsonOrder.CompareValues(a.Current.Value, b.Current.Value) != 0)
            {
                return false;
            }
        }
    }

    private static RawDocument WithKey(RawDocument spec, RawDocument key)
    {
        var builder = new BsonBuilder(spec.Length + key.Length).StartDocument();
        foreach (var element in spec)
        {
            if (element.NameEquals("key"u8))
            {
                builder.Document("key", key);
            }
            else
            {
                builder.Element(element);
            }
        }

        return builder.End().ToDocument();
    }
}
