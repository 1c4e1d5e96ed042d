using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

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
