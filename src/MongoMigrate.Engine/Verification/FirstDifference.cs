using MongoMigrate.Bson;

namespace MongoMigrate.Engine.Verification;

/// <summary>
/// Where two documents with the same _id first differ, as a dotted field path ("address.lines.1"), walking both in
/// their stored field order: a value, a type, a field present on one side only, or the same fields in another order.
/// </summary>
public static class FirstDifference
{
    /// <summary>The path of the first difference, or null when the bytes are equal.</summary>
    public static string? Of(RawDocument source, RawDocument target)
    {
        if (source.Span.SequenceEqual(target.Span))
        {
            return null;
        }

        return Walk(source, target, string.Empty) ?? "(the document's bytes)";
    }

    private static string? Walk(RawDocument source, RawDocument target, string prefix)
    {
        var left = source.GetEnumerator();
        var right = target.GetEnumerator();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft && !hasRight)
            {
                return null;
            }

            if (!hasLeft)
            {
                return Path(prefix, right.Current.Name) + " (only on the target)";
            }

            if (!hasRight)
            {
                return Path(prefix, left.Current.Name) + " (missing on the target)";
            }

            var l = left.Current;
            var r = right.Current;
            if (!l.Utf8Name.Span.SequenceEqual(r.Utf8Name.Span))
            {
                return target.TryGetValue(l.Utf8Name.Span, out _)
                    ? Path(prefix, l.Name) + " (fields in another order)"
                    : Path(prefix, l.Name) + " (missing on the target)";
            }

            if (l.Value.Equals(r.Value))
            {
                continue;
            }

            var path = Path(prefix, l.Name);
            if (l.Type != r.Type)
            {
                return $"{path} (type {l.Type} on the source, {r.Type} on the target)";
            }

            if (l.Value.IsDocumentOrArray)
            {
                return Walk(l.Value.AsDocument, r.Value.AsDocument, path) ?? path;
            }

            return path;
        }
    }

    private static string Path(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
