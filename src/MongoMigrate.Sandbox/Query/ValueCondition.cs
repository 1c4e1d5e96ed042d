using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// The operators given for one field ({$gt: 1, $not: {...}}), before they are bound to a path. Bound to a
/// path they become document-level clauses; inside a value-form $elemMatch they test one array element.
/// </summary>
internal abstract class ValueCondition
{
    public abstract MatchNode Bind(FieldPath path);

    public abstract bool MatchesValue(RawBsonValue value);
}

internal sealed class LeafCondition(ValuePredicate predicate) : ValueCondition
{
    public ValuePredicate Predicate { get; } = predicate;

    public override MatchNode Bind(FieldPath path) => new PathMatchNode(path, Predicate);

    public override bool MatchesValue(RawBsonValue value) => Predicate.Matches(value);
}

internal sealed class AndCondition(ValueCondition[] children) : ValueCondition
{
    public ValueCondition[] Children { get; } = children;

    public override MatchNode Bind(FieldPath path)
    {
        var nodes = new MatchNode[Children.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = Children[i].Bind(path);
        }

        return new AndNode(nodes);
    }

    public override bool MatchesValue(RawBsonValue value)
    {
        foreach (var child in Children)
        {
            if (!child.MatchesValue(value))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>$not, $ne, $nin: the negation of the whole path test, not of each candidate.</summary>
internal sealed class NotCondition(ValueCondition child) : ValueCondition
{
    public ValueCondition Child { get; } = child;

    public override MatchNode Bind(FieldPath path) => new NotNode(Child.Bind(path));

    public override bool MatchesValue(RawBsonValue value) => !Child.MatchesValue(value);
}

/// <summary>$elemMatch with a query on subdocuments: some element (a document or array) matches the whole filter.</summary>
internal sealed class ElemMatchObjectPredicate(MatchNode filter) : ValuePredicate
{
    public override bool TraverseLeafArrays => false;

    public override bool Matches(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            return false;
        }

        foreach (var element in value.AsDocument)
        {
            if (MatchesElement(element.Value))
            {
                return true;
            }
        }

        return false;
    }

    public bool MatchesElement(RawBsonValue element) => element.IsDocumentOrArray && filter.Matches(element.AsDocument);
}

/// <summary>$elemMatch with operators: some single element satisfies all of them.</summary>
internal sealed class ElemMatchValuePredicate(ValueCondition condition) : ValuePredicate
{
    public override bool TraverseLeafArrays => false;

    public override bool Matches(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            return false;
        }

        foreach (var element in value.AsDocument)
        {
            if (condition.MatchesValue(element.Value))
            {
                return true;
            }
        }

        return false;
    }

    public bool MatchesElement(RawBsonValue element) => condition.MatchesValue(element);
}
