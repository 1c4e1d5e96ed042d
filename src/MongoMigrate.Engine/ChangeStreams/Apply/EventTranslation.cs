using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// Turns a document event into an idempotent write by _id, on the raw bytes: insert and replace become
/// an upsert-replace of the full document, delete a delete by key, update its description as $set/$unset
/// (and $push with $slice for truncated arrays). An update whose description cannot be applied exactly
/// (field names with dots or a leading $, paths that overlap) becomes a re-read of the document from the source.
/// </summary>
public static class EventTranslation
{
    /// <summary>The write for a document event, or null when there is nothing to write (an update that changed nothing).</summary>
    public static ApplyOperation? Translate(ChangeEvent change, NamespaceName target)
    {
        var source = change.Namespace ?? throw new ArgumentException("A document event has a namespace.", nameof(change));
        var id = change.DocumentId ?? throw new MigrationException($"A {change.OperationType} event on {source} has no documentKey._id; it cannot be applied by key.");
        var ownedId = new RawBsonValue(id.Type, id.Bytes.ToArray());
        switch (change.OperationType)
        {
            case "insert" or "replace":
                return change.FullDocument is { } full
                    ? new ApplyOperation(source, target, ownedId, ApplyOperationKind.Replace, Own(full), change.ClusterTime)
                    : new ApplyOperation(source, target, ownedId, ApplyOperationKind.Refresh, RawDocument.Empty, change.ClusterTime);
            case "delete":
                return new ApplyOperation(source, target, ownedId, ApplyOperationKind.Delete, RawDocument.Empty, change.ClusterTime);
            case "update":
                if (change.UpdateDescription is not { } description)
                {
                    return new ApplyOperation(source, target, ownedId, ApplyOperationKind.Refresh, RawDocument.Empty, change.ClusterTime);
                }

                return BuildUpdate(description) switch
                {
                    { IsEmpty: true } => null,
                    { } update => new ApplyOperation(source, target, ownedId, ApplyOperationKind.Update, update, change.ClusterTime),
                    null => new ApplyOperation(source, target, ownedId, ApplyOperationKind.Refresh, RawDocument.Empty, change.ClusterTime),
                };
            default:
                throw new ArgumentException($"'{change.OperationType}' is not a document event.", nameof(change));
        }
    }

    /// <summary>The update document for a description, null when it cannot be applied exactly, empty when it changes nothing.</summary>
    public static RawDocument? BuildUpdate(RawDocument description)
    {
        if (description.TryGetValue("disambiguatedPaths", out var disambiguated) && disambiguated.Type == BsonTypeCode.Document && !disambiguated.AsDocument.IsEmpty)
        {
            // Some path holds a field name with a dot or a numeric name in an object: the dotted paths are ambiguous.
            return null;
        }

        var paths = new List<string>();
        var set = description.TryGetValue("updatedFields", out var updated) && updated.Type == BsonTypeCode.Document ? updated.AsDocument : RawDocument.Empty;
        var removed = description.TryGetValue("removedFields", out var removedValue) && removedValue.Type == BsonTypeCode.Array ? removedValue.AsDocument : RawDocument.Empty;
        var truncated = description.TryGetValue("truncatedArrays", out var truncatedValue) && truncatedValue.Type == BsonTypeCode.Array ? truncatedValue.AsDocument : RawDocument.Empty;

        using var builder = new BsonBuilder(set.Length + 128);
        builder.StartDocument();
        if (!set.IsEmpty)
        {
            builder.StartDocument("$set");
            foreach (var element in set)
            {
                var path = element.Name;
                if (!IsPlainPath(path))
                {
                    return null;
                }

                paths.Add(path);
                builder.Element(element);
            }

            builder.End();
        }

        if (!removed.IsEmpty)
        {
            builder.StartDocument("$unset");
            foreach (var element in removed)
            {
                var path = element.Value.AsString;
                if (!IsPlainPath(path))
                {
                    return null;
                }

                paths.Add(path);
                builder.String(path, string.Empty);
            }

            builder.End();
        }

        if (!truncated.IsEmpty)
        {
            builder.StartDocument("$push");
            foreach (var element in truncated)
            {
                var entry = element.Value.AsDocument;
                var path = entry["field"].AsString;
                if (!IsPlainPath(path) || !entry["newSize"].TryGetInt64(out var newSize))
                {
                    return null;
                }

                paths.Add(path);
                builder.StartDocument(path).StartArray("$each").End().Int64("$slice", newSize).End();
            }

            builder.End();
        }

        if (Overlap(paths))
        {
            return null;
        }

        return paths.Count == 0 ? RawDocument.Empty : builder.End().ToDocument();
    }

    private static RawDocument Own(RawDocument document) => new(document.Span.ToArray());

    /// <summary>A path the update operators take as the server wrote it: no empty part, no part starting with $.</summary>
    private static bool IsPlainPath(string path) =>
        path.Length > 0 && path.Split('.').All(part => part.Length > 0 && part[0] != '$');

    /// <summary>Two paths where one is the other or inside it: one update cannot hold both.</summary>
    private static bool Overlap(List<string> paths)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!seen.Add(path))
            {
                return true;
            }
        }

        foreach (var path in paths)
        {
            for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
            {
                if (seen.Contains(path[..dot]))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
