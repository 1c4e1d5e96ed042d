using MongoMigrate.Bson;

namespace MongoMigrate.Engine.Verification;

/// <summary>
/// Where two documents with the same _id first differ, as a dotted field path ("address.lines.1"), walking both in
/// their stored field order: a value, a type, a field present on one side only, or the same fields in another order.
/// </summary>
public static class FirstDifference
{
    /// <summary>What ends the description of two documents that differ only in their fields' order (at any depth).</summary>
    public const string InAnotherOrder = " (fields in another order)";

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
        string? reordered = null;
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft && !hasRight)
            {
                return reordered;
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
                // Another order from here: said so only when nothing else differs, else the first thing that does.
                return ByName(source, target, prefix) ?? reordered ?? Path(prefix, l.Name) + InAnotherOrder;
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

            if (!l.Value.IsDocumentOrArray)
            {
                return path;
            }

            // A nested document in another order only: kept, in case something later differs otherwise.
            var inner = Walk(l.Value.AsDocument, r.Value.AsDocument, path) ?? path;
            if (!inner.EndsWith(InAnotherOrder, StringComparison.Ordinal))
            {
                return inner;
            }

            reordered ??= inner;
        }
    }

    /// <summary>Compares two documents field by field by name, whatever their order: the first difference other than order, or null.</summary>
    private static string? ByName(RawDocument source, RawDocument target, string prefix)
    {
        foreach (var l in source)
        {
            if (!target.TryGetValue(l.Utf8Name.Span, out _))
            {
                return Path(prefix, l.Name) + " (missing on the target)";
            }
        }

        foreach (var r in target)
        {
            if (!source.TryGetValue(r.Utf8Name.Span, out _))
            {
                return Path(prefix, r.Name) + " (only on the target)";
            }
        }

        foreach (var l in source)
        {
            target.TryGetValue(l.Utf8Name.Span, out var r);
            if (l.Value.Equals(r))
            {
                continue;
            }

            var path = Path(prefix, l.Name);
            if (l.Type != r.Type)
            {
                return $"{path} (type {l.Type} on the source, {r.Type} on the target)";
            }

            if (!l.Value.IsDocumentOrArray)
            {
                return path;
            }

            var inner = Walk(l.Value.AsDocument, r.AsDocument, path) ?? path;
            if (!inner.EndsWith(InAnotherOrder, StringComparison.Ordinal))
            {
                return inner;
            }
        }

        return null;
    }

    private static string Path(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}
