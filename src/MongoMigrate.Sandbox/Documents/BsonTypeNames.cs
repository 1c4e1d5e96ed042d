using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>The type names the server uses in messages and $type aliases.</summary>
public static class BsonTypeNames
{
    public static string Of(BsonTypeCode type) => type switch
    {
        BsonTypeCode.Double => "double",
        BsonTypeCode.String => "string",
        BsonTypeCode.Document => "object",
        BsonTypeCode.Array => "array",
        BsonTypeCode.Binary => "binData",
        BsonTypeCode.Undefined => "undefined",
        BsonTypeCode.ObjectId => "objectId",
        BsonTypeCode.Boolean => "bool",
        BsonTypeCode.DateTime => "date",
        BsonTypeCode.Null => "null",
        BsonTypeCode.RegularExpression => "regex",
        BsonTypeCode.DbPointer => "dbPointer",
        BsonTypeCode.JavaScript => "javascript",
        BsonTypeCode.Symbol => "symbol",
        BsonTypeCode.JavaScriptWithScope => "javascriptWithScope",
        BsonTypeCode.Int32 => "int",
        BsonTypeCode.Timestamp => "timestamp",
        BsonTypeCode.Int64 => "long",
        BsonTypeCode.Decimal128 => "decimal",
        BsonTypeCode.MinKey => "minKey",
        BsonTypeCode.MaxKey => "maxKey",
        _ => "unknown",
    };
}
