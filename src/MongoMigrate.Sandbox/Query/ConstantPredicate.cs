using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>Matches nothing (an empty $all) or everything.</summary>
internal sealed class ConstantPredicate(bool result) : ValuePredicate
{
    public override bool Matches(RawBsonValue value) => result;
}
