using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$elemMatch with a query on subdocuments: some element (a document or array) matches the whole filter.</summary>
internal sealed class ElemMatchObjectPredicate(MatchNode filter) : ValuePredicate
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
            if (MatchesElement(element.Value))
            {
                return true;
            }
        }

        return false;
    }

    public bool MatchesElement(RawBsonValue element) => element.IsDocumentOrArray && filter.Matches(element.AsDocument);
}
