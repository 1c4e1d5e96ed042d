using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// A compiled MongoDB query filter. Compile once, then call <see cref="Matches"/> per document; matching
/// reads the raw bytes in place and allocates nothing for comparisons, equality and _id bounds.
/// </summary>
public sealed class QueryFilter
{
    private readonly MatchNode _root;
    private IReadOnlyList<KeyValuePair<string, RawBsonValue>>? _equalityFields;

    private QueryFilter(RawDocument source, MatchNode root)
    {
        Source = source;
        _root = root;
    }

    /// <summary>The filter {} : every document matches.</summary>
    public static QueryFilter MatchAll { get; } = new(RawDocument.Empty, ConstantNode.True);

    /// <summary>The filter as it was given.</summary>
    public RawDocument Source { get; }

    public bool IsMatchAll => _root is ConstantNode { Result: true };

    /// <summary>Parses a filter; throws <see cref="CommandException"/> (code 2 mostly) for what the server rejects.</summary>
    public static QueryFilter Compile(RawDocument filter) => Compile(filter, null);

    /// <summary>A filter whose $expr may read the user variables in <paramref name="scope"/> (a $lookup's <c>let</c>).</summary>
    internal static QueryFilter Compile(RawDocument filter, VariableScope? scope)
    {
        if (filter.IsEmpty)
        {
            return MatchAll;
        }

        return new QueryFilter(filter, FilterParser.ParseDocument(filter, 0, scope));
    }

    public bool Matches(RawDocument document) => _root.Matches(document);

    /// <summary>
    /// The _id range or points this filter confines matches to, from an _id equality, $in, or
    /// $gt/$gte/$lt/$lte at the top level or inside a top-level $and; false when the whole collection must be scanned.
    /// </summary>
    public bool TryGetIdBounds(out IdBounds bounds)
    {
        IdBounds? result = null;
        CollectIdBounds(_root, ref result);
        bounds = result!;
        return result is not null;
    }

    private static void CollectIdBounds(MatchNode node, ref IdBounds? result)
    {
        switch (node)
        {
            case AndNode and:
                foreach (var child in and.Children)
                {
                    CollectIdBounds(child, ref result);
                }

                break;
            case OrNode { Children.Length: 1 } or:
                CollectIdBounds(or.Children[0], ref result);
                break;
            case PathMatchNode { Path.Dotted: "_id" } path:
                IdBounds? bounds = path.Predicate switch
                {
                    ComparisonPredicate comparison => IdBounds.FromComparison(comparison.Kind, comparison.Operand),
                    InPredicate { HasRegexes: false } @in => IdBounds.ForPoints(@in.Values),
                    TypePredicate type => IdBounds.FromTypes(type.Types),
                    _ => null,
                };
                if (bounds is not null)
                {
                    result = result is null ? bounds : IdBounds.Intersect(result, bounds);
                }

                break;
        }
    }

    /// <summary>
    /// The paths and values of the filter's equality conditions (implicit, $eq, a one-value $in or $all, at the
    /// top level or in a top-level $and), sorted by path: what an upsert copies into the new document.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, RawBsonValue>> EqualityFields
    {
        get
        {
            if (_equalityFields is null)
            {
                var fields = new List<KeyValuePair<string, RawBsonValue>>();
                CollectEqualities(_root, fields);
                fields.Sort((l, r) => string.CompareOrdinal(l.Key, r.Key));
                _equalityFields = fields;
            }

            return _equalityFields;
        }
    }

    private static void CollectEqualities(MatchNode node, List<KeyValuePair<string, RawBsonValue>> fields)
    {
        switch (node)
        {
            case AndNode and:
                foreach (var child in and.Children)
                {
                    CollectEqualities(child, fields);
                }

                break;
            case OrNode { Children.Length: 1 } or:
                CollectEqualities(or.Children[0], fields);
                break;
            case PathMatchNode { Predicate: ComparisonPredicate { Kind: ComparisonKind.Equal } equal } path:
                fields.Add(new(path.Path.Dotted, equal.Operand));
                break;
            case PathMatchNode { Predicate: InPredicate { HasRegexes: false, Values.Count: 1 } @in } path:
                fields.Add(new(path.Path.Dotted, @in.Values[0]));
                break;
        }
    }

    /// <summary>
    /// The index of the array element through which the filter matched a document, which the positional "$"
    /// update operator needs (pass it as <c>UpdateContext.PositionalIndex</c>). As on the server, it comes from
    /// the first array on the path of a top-level condition (the last such condition wins); false when no
    /// condition matched through an array.
    /// </summary>
    public bool TryGetPositionalIndex(RawDocument document, out int index)
    {
        index = -1;
        var leaves = new List<PathMatchNode>();
        CollectConjunctiveLeaves(_root, leaves);
        foreach (var leaf in leaves)
        {
            if (TryGetLeafIndex(leaf, document, out var i))
            {
                index = i;
            }
        }

        return index >= 0;
    }

    private static void CollectConjunctiveLeaves(MatchNode node, List<PathMatchNode> leaves)
    {
        switch (node)
        {
            case AndNode and:
                foreach (var child in and.Children)
                {
                    CollectConjunctiveLeaves(child, leaves);
                }

                break;
            case PathMatchNode leaf:
                leaves.Add(leaf);
                break;
        }
    }

    // Tries each element of the first array on the path alone, by replacing the array with [element].
    private static bool TryGetLeafIndex(PathMatchNode leaf, RawDocument document, out int index)
    {
        index = -1;
        var parts = leaf.Path.Parts;
        var current = document;
        RawBsonValue array = default;
        var depth = -1;
        for (var k = 0; k < parts.Count; k++)
        {
            if (!current.TryGetValue(parts[k], out var value))
            {
                return false;
            }

            if (value.Type == BsonTypeCode.Array)
            {
                array = value;
                depth = k;
                break;
            }

            if (value.Type != BsonTypeCode.Document)
            {
                return false;
            }

            current = value.AsDocument;
        }

        if (depth < 0)
        {
            return false;
        }

        var i = 0;
        foreach (var element in array.AsDocument)
        {
            var root = DocumentNode.FromRaw(document);
            var node = root;
            for (var k = 0; k < depth; k++)
            {
                node = node.ChildNodeAt(node.IndexOf(parts[k]))!;
            }

            node.Set(parts[depth], BsonValues.Array([element.Value]));
            if (leaf.Matches(root.ToDocument()))
            {
                index = i;
                return true;
            }

            i++;
        }

        return false;
    }

    public override string ToString() => BsonDebugText.Format(Source);
}
