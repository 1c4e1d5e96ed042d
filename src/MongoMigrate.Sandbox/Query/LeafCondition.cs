using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

internal sealed class LeafCondition(ValuePredicate predicate) : ValueCondition
{
    public ValuePredicate Predicate { get; } = predicate;

    public override MatchNode Bind(FieldPath path) => new PathMatchNode(path, Predicate);

    public override bool MatchesValue(RawBsonValue value) => Predicate.Matches(value);
}
