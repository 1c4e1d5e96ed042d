using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

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
