using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>Truthiness in the aggregation language: false, null, undefined, missing and zero are false.</summary>
public static class Truth
{
    public static bool IsTrue(RawBsonValue value) => value.Type != BsonTypeCode.EndOfDocument && value.IsTruthy;
}
