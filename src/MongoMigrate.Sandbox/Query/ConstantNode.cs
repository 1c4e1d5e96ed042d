using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

internal sealed class ConstantNode(bool result) : MatchNode
{
    public static ConstantNode True { get; } = new(true);

    public static ConstantNode False { get; } = new(false);

    public bool Result { get; } = result;

    public override bool Matches(RawDocument document) => Result;
}
