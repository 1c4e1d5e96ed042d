using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$type: values whose BSON type is in the set ("number" stands for all four numeric types).</summary>
internal sealed class TypePredicate(IReadOnlySet<BsonTypeCode> types) : ValuePredicate
{
    public IReadOnlySet<BsonTypeCode> Types { get; } = types;

    public override bool Matches(RawBsonValue value) => !value.IsMissing() && Types.Contains(value.Type);
}
