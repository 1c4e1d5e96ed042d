using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$exists: true for any value that is present.</summary>
internal sealed class ExistsPredicate : ValuePredicate
{
    public static ExistsPredicate Instance { get; } = new();

    public override bool Matches(RawBsonValue value) => !value.IsMissing();
}
