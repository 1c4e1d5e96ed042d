using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

internal sealed class NotNode(MatchNode child) : MatchNode
{
    public override bool Matches(RawDocument document) => !child.Matches(document);
}
