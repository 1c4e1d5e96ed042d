using System.Collections.Frozen;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>How a requested index relates to an existing one, as mongod 7.0's IndexDescriptor::compareIndexOptions decides.</summary>
internal enum IndexSimilarity
{
    /// <summary>Another key pattern or signature option (unique, sparse, collation, partialFilterExpression, wildcardProjection): both may exist.</summary>
    Different,

    /// <summary>The same signature but other options differ (expireAfterSeconds, hidden...): they cannot coexist.</summary>
    Equivalent,

    /// <summary>The same index.</summary>
    Identical,
}

/// <summary>Compares index specifications the way the server's index catalog does before it builds one.</summary>
internal static class IndexComparison
{
    // Fields that name or frame an index rather than shape it, and the signature fields compared on their own.
    private static readonly FrozenSet<string> NotOptions =
        ["v", "key", "name", "ns", "background", "unique", "sparse", "collation", "partialFilterExpression", "wildcardProjection"];

    /// <summary>
    /// True when an identical index of the same name exists (createIndexes then does nothing); throws as mongod does when
    /// the name is taken by another index (IndexKeySpecsConflict 86) or the same index exists under another name or
    /// with other options (IndexOptionsConflict 85).
    /// </summary>
    public static bool AlreadyExists(IReadOnlyList<IndexDefinition> indexes, IndexDefinition index)
    {
        if (indexes.FirstOrDefault(i => i.Name == index.Name) is { } named)
        {
            switch (Compare(index, named))
            {
                case IndexSimilarity.Identical:
                    return true;
                case IndexSimilarity.Equivalent:
                    throw new CommandException(
                        ServerErrorCode.IndexOptionsConflict,
                        $"An equivalent index already exists with the same name but different options. Requested index: {index.Specification}, existing index: {named.Specification}");
                default:
                    throw new CommandException(
                        ServerErrorCode.IndexKeySpecsConflict,
                        $"An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: {index.Specification}, existing index: {named.Specification}");
            }
        }

        foreach (var existing in indexes)
        {
            switch (Compare(index, existing))
            {
                case IndexSimilarity.Identical:
                    throw new CommandException(ServerErrorCode.IndexOptionsConflict, $"Index already exists with a different name: {existing.Name}");
                case IndexSimilarity.Equivalent:
                    throw new CommandException(
                        ServerErrorCode.IndexOptionsConflict,
                        $"An equivalent index already exists with a different name and options. Requested index: {index.Specification}, existing index: {existing.Specification}");
            }
        }

        return false;
    }

    public static IndexSimilarity Compare(IndexDefinition requested, IndexDefinition existing)
    {
        if (BsonOrder.CompareDocuments(requested.KeyPattern, existing.KeyPattern) != 0
            || requested.Unique != existing.Unique
            || requested.Sparse != existing.Sparse
            || !SameCollation(requested.Specification, existing.Specification)
            || !SameField(requested.Specification, existing.Specification, "partialFilterExpression")
            || !SameField(requested.Specification, existing.Specification, "wildcardProjection"))
        {
            return IndexSimilarity.Different;
        }

        return SameOptions(requested.Specification, existing.Specification) ? IndexSimilarity.Identical : IndexSimilarity.Equivalent;
    }

    // No collation and {locale: "simple"} are the same (binary) collator.
    private static bool SameCollation(RawDocument left, RawDocument right)
    {
        var l = Collation(left);
        var r = Collation(right);
        return l is null || r is null ? l is null && r is null : BsonOrder.CompareDocuments(l.Value, r.Value) == 0;
    }

    private static RawDocument? Collation(RawDocument specification)
    {
        if (!specification.TryGetValue("collation", out var collation) || collation.Type != BsonTypeCode.Document)
        {
            return null;
        }

        var document = collation.AsDocument;
        return document.TryGetValue("locale", out var locale) && locale.Type == BsonTypeCode.String && locale.AsString == "simple" ? null : document;
    }

    private static bool SameField(RawDocument left, RawDocument right, string name)
    {
        var hasLeft = left.TryGetValue(name, out var l);
        var hasRight = right.TryGetValue(name, out var r);
        return hasLeft == hasRight && (!hasLeft || BsonOrder.Instance.Equals(l, r));
    }

    private static bool SameOptions(RawDocument left, RawDocument right)
    {
        var options = Options(left);
        var others = Options(right);
        return options.Count == others.Count
            && options.All(pair => others.TryGetValue(pair.Key, out var other) && BsonOrder.Instance.Equals(pair.Value, other));
    }

    private static Dictionary<string, RawBsonValue> Options(RawDocument specification)
    {
        var options = new Dictionary<string, RawBsonValue>(StringComparer.Ordinal);
        foreach (var element in specification)
        {
            var name = element.Name;
            if (!NotOptions.Contains(name))
            {
                options[name] = element.Value;
            }
        }

        return options;
    }
}
