using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

/// <summary>A compiled filter clause tested against a whole document.</summary>
internal abstract class MatchNode
{
    public abstract bool Matches(RawDocument document);
}
