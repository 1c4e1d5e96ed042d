using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$size: an array with exactly that many elements.</summary>
internal sealed class SizePredicate(int size) : ValuePredicate
{
    public override bool TraverseLeafArrays => false;

    public override bool Matches(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            return false;
        }

        var count = 0;
        foreach (var _ in value.AsDocument)
        {
            if (++count > size)
            {
                return false;
            }
        }

        return count == size;
    }
}
