using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>The smallest value of each type bracket, so a range can stop where its operand's type ends.</summary>
internal static class TypeBrackets
{
    private static readonly (int Canonical, RawBsonValue Start)[] Starts =
    [
        (10, BsonValues.Double(double.NaN)),
        (15, BsonValues.String(string.Empty)),
        (20, BsonValues.EmptyDocument),
        (25, BsonValues.EmptyArray),
        (30, new RawBsonValue(BsonTypeCode.Binary, new byte[5])),
        (35, new RawBsonValue(BsonTypeCode.ObjectId, new byte[12])),
        (40, BsonValues.False),
        (45, BsonValues.DateTime(long.MinValue)),
        (47, BsonValues.Timestamp(0)),
        (50, new RawBsonValue(BsonTypeCode.RegularExpression, new byte[2])),
        (55, new RawBsonValue(BsonTypeCode.DbPointer, new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })),
        (60, new RawBsonValue(BsonTypeCode.JavaScript, new byte[] { 1, 0, 0, 0, 0 })),
        (65, new RawBsonValue(BsonTypeCode.JavaScriptWithScope, new byte[] { 14, 0, 0, 0, 1, 0, 0, 0, 0, 5, 0, 0, 0, 0 })),
        (127, BsonValues.MaxKey),
    ];

    public static RawBsonValue? BracketStart(int canonical)
    {
        foreach (var (c, start) in Starts)
        {
            if (c == canonical)
            {
                return start;
            }
        }

        return null;
    }

    public static RawBsonValue? NextBracketStart(int canonical)
    {
        foreach (var (c, start) in Starts)
        {
            if (c > canonical)
            {
                return start;
            }
        }

        return null;
    }
}
