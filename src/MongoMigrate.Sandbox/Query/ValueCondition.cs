using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>
/// The operators given for one field ({$gt: 1, $not: {...}}), before they are bound to a path. Bound to a
/// path they become document-level clauses; inside a value-form $elemMatch they test one array element.
/// </summary>
internal abstract class ValueCondition
{
    public abstract MatchNode Bind(FieldPath path);

    public abstract bool MatchesValue(RawBsonValue value);
}
