using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

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
