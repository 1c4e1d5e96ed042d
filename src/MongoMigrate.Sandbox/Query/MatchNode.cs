using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

/// <summary>A compiled filter clause tested against a whole document.</summary>
internal abstract class MatchNode
{
    public abstract bool Matches(RawDocument document);
}

/// <summary>A predicate applied to the candidate values of a path: the document matches if any candidate does.</summary>
internal sealed class PathMatchNode(FieldPath path, ValuePredicate predicate) : MatchNode
{
    public FieldPath Path { get; } = path;

    public ValuePredicate Predicate { get; } = predicate;

    public override bool Matches(RawDocument document) => Path.AnyCandidate(document, Predicate);
}

internal sealed class AndNode(MatchNode[] children) : MatchNode
{
    public MatchNode[] Children { get; } = children;

    public override bool Matches(RawDocument document)
    {
        foreach (var child in Children)
        {
            if (!child.Matches(document))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class OrNode(MatchNode[] children) : MatchNode
{
    public MatchNode[] Children { get; } = children;

    public override bool Matches(RawDocument document)
    {
        foreach (var child in Children)
        {
            if (child.Matches(document))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NorNode(MatchNode[] children) : MatchNode
{
    public override bool Matches(RawDocument document)
    {
        foreach (var child in children)
        {
            if (child.Matches(document))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class NotNode(MatchNode child) : MatchNode
{
    public override bool Matches(RawDocument document) => !child.Matches(document);
}

internal sealed class ConstantNode(bool result) : MatchNode
{
    public static ConstantNode True { get; } = new(true);

    public static ConstantNode False { get; } = new(false);

    public bool Result { get; } = result;

    public override bool Matches(RawDocument document) => Result;
}

/// <summary>$expr: an aggregation expression evaluated on the document, matching when truthy.</summary>
internal sealed class ExprNode(Aggregation.Expression expression) : MatchNode
{
    public override bool Matches(RawDocument document) => Aggregation.Truth.IsTrue(expression.Evaluate(Aggregation.EvaluationContext.ForDocument(document)));
}
