using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$not, $ne, $nin: the negation of the whole path test, not of each candidate.</summary>
internal sealed class NotCondition(ValueCondition child) : ValueCondition
{
    public ValueCondition Child { get; } = child;

    public override MatchNode Bind(FieldPath path) => new NotNode(Child.Bind(path));

    public override bool MatchesValue(RawBsonValue value) => !Child.MatchesValue(value);
}
