using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

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
