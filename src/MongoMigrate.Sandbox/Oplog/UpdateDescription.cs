using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Oplog;

/// <summary>
/// Builds an update event's {updatedFields, removedFields, truncatedArrays[, disambiguatedPaths]} by
/// comparing the two versions, as the server's delta oplog entries describe an update: changes inside
/// sub-documents and arrays as dotted paths, arrays that shrank as {field, newSize}, and, for paths
/// with a dot in a field name or a numeric field name of a document, the path's parts
/// (disambiguatedPaths, shown to expanded-event streams since 6.1).
/// </summary>
internal static class UpdateDescription
{
    public static RawDocument Diff(RawDocument before, RawDocument after)
    {
        var diff = new Collector();
        DiffDocuments(before, after, [], diff);

        var builder = new BsonBuilder(after.Length + 64).StartDocument().StartDocument("updatedFields");
        foreach (var (path, value) in diff.Updated)
        {
            builder.Value(Join(path), value);
        }

        builder.End().StartArray("removedFields");
        for (var i = 0; i < diff.Removed.Count; i++)
        {
            builder.String(BsonBuilder.Index(i), Join(diff.Removed[i]));
        }

        builder.End().StartArray("truncatedArrays");
        for (var i = 0; i < diff.Truncated.Count; i++)
        {
            builder.StartDocument(BsonBuilder.Index(i)).String("field", Join(diff.Truncated[i].Path)).Int32("newSize", diff.Truncated[i].NewSize).End();
        }

        builder.End();
        var ambiguous = diff.Updated.Select(u => u.Path).Concat(diff.Removed).Concat(diff.Truncated.Select(t => t.Path))
            .Where(IsAmbiguous).ToList();
        if (ambiguous.Count > 0)
        {
            builder.StartDocument("disambiguatedPaths");
            foreach (var path in ambiguous)
            {
                builder.StartArray(Join(path));
                for (var i = 0; i < path.Count; i++)
                {
                    if (path[i].ArrayIndex is { } index)
                    {
                        builder.Int32(BsonBuilder.Index(i), index);
                    }
                    else
                    {
                        builder.String(BsonBuilder.Index(i), path[i].Name);
                    }
                }

                builder.End();
            }

            builder.End();
        }

        return builder.End().ToDocument();
    }

    private static void DiffDocuments(RawDocument before, RawDocument after, List<PathPart> path, Collector diff)
    {
        foreach (var element in after)
        {
            var child = Append(path, new PathPart(element.Name, null));
            if (!before.TryGetValue(element.Utf8Name.Span, out var old))
            {
                diff.Updated.Add((child, element.Value));
            }
            else if (!old.Equals(element.Value))
            {
                DiffValues(old, element.Value, child, diff);
            }
        }

        foreach (var element in before)
        {
            if (!after.TryGetValue(element.Utf8Name.Span, out _))
            {
                diff.Removed.Add(Append(path, new PathPart(element.Name, null)));
            }
        }
    }

    private static void DiffValues(RawBsonValue old, RawBsonValue value, List<PathPart> path, Collector diff)
    {
        if (old.Type == BsonTypeCode.Document && value.Type == BsonTypeCode.Document && SameFieldOrder(old.AsDocument, value.AsDocument))
        {
            DiffDocuments(old.AsDocument, value.AsDocument, path, diff);
        }
        else if (old.Type == BsonTypeCode.Array && value.Type == BsonTypeCode.Array)
        {
            var oldItems = old.AsDocument.Values().ToList();
            var newItems = value.AsDocument.Values().ToList();
            if (newItems.Count < oldItems.Count)
            {
                diff.Truncated.Add((path, newItems.Count));
            }

            for (var i = 0; i < newItems.Count; i++)
            {
                var child = Append(path, new PathPart(BsonBuilder.Index(i), i));
                if (i >= oldItems.Count)
                {
                    diff.Updated.Add((child, newItems[i]));
                }
                else if (!oldItems[i].Equals(newItems[i]))
                {
                    DiffValues(oldItems[i], newItems[i], child, diff);
                }
            }
        }
        else
        {
            diff.Updated.Add((path, value));
        }
    }

    // A sub-document whose kept fields moved is set whole: dotted paths cannot reorder fields.
    private static bool SameFieldOrder(RawDocument before, RawDocument after)
    {
        var kept = new List<string>();
        foreach (var element in before)
        {
            if (after.TryGetValue(element.Utf8Name.Span, out _))
            {
                kept.Add(element.Name);
            }
        }

        var order = new List<string>();
        foreach (var element in after)
        {
            if (before.TryGetValue(element.Utf8Name.Span, out _))
            {
                order.Add(element.Name);
            }
        }

        return kept.SequenceEqual(order, StringComparer.Ordinal);
    }

    private static bool IsAmbiguous(List<PathPart> path) =>
        path.Any(p => p.ArrayIndex is null && (p.Name.Contains('.', StringComparison.Ordinal) || (p.Name.Length > 0 && p.Name.All(char.IsAsciiDigit))));

    private static List<PathPart> Append(List<PathPart> path, PathPart part) => [.. path, part];

    private static string Join(List<PathPart> path) => string.Join('.', path.Select(p => p.Name));

    private readonly record struct PathPart(string Name, int? ArrayIndex);

    private sealed class Collector
    {
        public List<(List<PathPart> Path, RawBsonValue Value)> Updated { get; } = [];

        public List<List<PathPart>> Removed { get; } = [];

        public List<(List<PathPart> Path, int NewSize)> Truncated { get; } = [];
    }
}
