using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$elemMatch with operators: some single element satisfies all of them.</summary>
internal sealed class ElemMatchValuePredicate(ValueCondition condition) : ValuePredicate
{
    public override bool TraverseLeafArrays => false;

    public override bool Matches(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            return false;
        }

        foreach (var element in value.AsDocument)
        {
            if (condition.MatchesValue(element.Value))
            {
                return true;
            }
        }

        return false;
    }

    public bool MatchesElement(RawBsonValue element) => condition.MatchesValue(element);
}
