using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>Shared plumbing of the array modifiers: read the elements, write a new array only when it differs.</summary>
internal abstract class ArrayModifier : ModifierNode
{
    /// <summary>Membership in MongoDB's equality (1 equals 1.0).</summary>
    public static bool Contains(List<RawBsonValue> items, RawBsonValue value)
    {
        foreach (var item in items)
        {
            if (BsonOrder.CompareValues(item, value) == 0)
            {
                return true;
            }
        }

        return false;
    }

    protected static List<RawBsonValue> Elements(NodeValue value)
    {
        var raw = value.ToRaw();
        return raw.AsDocument.Values();
    }

    protected static void Replace(DocumentNode container, int index, List<RawBsonValue> before, List<RawBsonValue> after)
    {
        if (before.Count == after.Count)
        {
            var same = true;
            for (var i = 0; i < before.Count && same; i++)
            {
                same = BsonValues.BinaryEquals(before[i], after[i]);
            }

            if (same)
            {
                return;
            }
        }

        container.SetAt(index, BsonValues.Array(after));
    }
}
