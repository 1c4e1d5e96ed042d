using MongoMigrate.Bson;

namespace MongoMigrate.Engine.Partitioning;

/// <summary>
/// The type brackets of MongoDB's comparison order that an _id can fall in. A range query only ever
/// matches values of its bound's bracket, so every chunk stays inside one bracket and names its types.
/// </summary>
public enum IdBracket
{
    MinKey,
    Undefined,
    Null,
    Number,
    String,
    Object,
    Binary,
    ObjectId,
    Boolean,
    Date,
    Timestamp,
    Regex,
    DbPointer,
    JavaScript,
    JavaScriptWithScope,
    MaxKey,
}

/// <summary>The BSON types of each bracket, in the server's order.</summary>
public static class IdBrackets
{
    public static IReadOnlyList<IdBracket> InOrder { get; } = Enum.GetValues<IdBracket>();

    /// <summary>The $type codes that make up a bracket.</summary>
    public static IReadOnlyList<int> TypeCodes(IdBracket bracket) => bracket switch
    {
        IdBracket.MinKey => [-1],
        IdBracket.Undefined => [6],
        IdBracket.Null => [10],
        IdBracket.Number => [1, 16, 18, 19],
        IdBracket.String => [2, 14],
        IdBracket.Object => [3],
        IdBracket.Binary => [5],
        IdBracket.ObjectId => [7],
        IdBracket.Boolean => [8],
        IdBracket.Date => [9],
        IdBracket.Timestamp => [17],
        IdBracket.Regex => [11],
        IdBracket.DbPointer => [12],
        IdBracket.JavaScript => [13],
        IdBracket.JavaScriptWithScope => [15],
        IdBracket.MaxKey => [127],
        _ => throw new ArgumentOutOfRangeException(nameof(bracket)),
    };

    /// <summary>The bracket of a value.</summary>
    public static IdBracket Of(RawBsonValue value) => value.Type switch
    {
        BsonTypeCode.MinKey => IdBracket.MinKey,
        BsonTypeCode.Undefined => IdBracket.Undefined,
        BsonTypeCode.Null => IdBracket.Null,
        BsonTypeCode.Double or BsonTypeCode.Int32 or BsonTypeCode.Int64 or BsonTypeCode.Decimal128 => IdBracket.Number,
        BsonTypeCode.String or BsonTypeCode.Symbol => IdBracket.String,
        BsonTypeCode.Document => IdBracket.Object,
        BsonTypeCode.Binary => IdBracket.Binary,
        BsonTypeCode.ObjectId => IdBracket.ObjectId,
        BsonTypeCode.Boolean => IdBracket.Boolean,
        BsonTypeCode.DateTime => IdBracket.Date,
        BsonTypeCode.Timestamp => IdBracket.Timestamp,
        BsonTypeCode.RegularExpression => IdBracket.Regex,
        BsonTypeCode.DbPointer => IdBracket.DbPointer,
        BsonTypeCode.JavaScript => IdBracket.JavaScript,
        BsonTypeCode.JavaScriptWithScope => IdBracket.JavaScriptWithScope,
        BsonTypeCode.MaxKey => IdBracket.MaxKey,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.Type, "an _id cannot have this type"),
    };

    /// <summary>Brackets whose values can be ordered finely enough to split (the others hold one or two distinct values).</summary>
    public static bool IsSplittable(IdBracket bracket) =>
        bracket is not (IdBracket.MinKey or IdBracket.MaxKey or IdBracket.Null or IdBracket.Undefined or IdBracket.Boolean);
}
