using System.Buffers.Binary;
using System.Text;
using MongoDB.Bson;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>
/// Makes raw values for results that did not come from a stored document (counts, sums, computed fields).
/// A missing value is <c>default(RawBsonValue)</c>, whose type is <see cref="BsonTypeCode.EndOfDocument"/>.
/// </summary>
public static class BsonValues
{
    public static RawBsonValue Missing => default;

    public static RawBsonValue Null { get; } = new(BsonTypeCode.Null, ReadOnlyMemory<byte>.Empty);

    public static RawBsonValue Undefined { get; } = new(BsonTypeCode.Undefined, ReadOnlyMemory<byte>.Empty);

    public static RawBsonValue MinKey { get; } = new(BsonTypeCode.MinKey, ReadOnlyMemory<byte>.Empty);

    public static RawBsonValue MaxKey { get; } = new(BsonTypeCode.MaxKey, ReadOnlyMemory<byte>.Empty);

    public static RawBsonValue True { get; } = new(BsonTypeCode.Boolean, new byte[] { 1 });

    public static RawBsonValue False { get; } = new(BsonTypeCode.Boolean, new byte[] { 0 });

    public static RawBsonValue EmptyDocument { get; } = new(BsonTypeCode.Document, new byte[] { 5, 0, 0, 0, 0 });

    public static RawBsonValue EmptyArray { get; } = new(BsonTypeCode.Array, new byte[] { 5, 0, 0, 0, 0 });

    public static bool IsMissing(this RawBsonValue value) => value.Type == BsonTypeCode.EndOfDocument;

    public static RawBsonValue Boolean(bool value) => value ? True : False;

    public static RawBsonValue Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return new RawBsonValue(BsonTypeCode.Int32, bytes);
    }

    public static RawBsonValue Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return new RawBsonValue(BsonTypeCode.Int64, bytes);
    }

    public static RawBsonValue Double(double value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        return new RawBsonValue(BsonTypeCode.Double, bytes);
    }

    public static RawBsonValue Decimal128(Decimal128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value.GetIEEELowBits());
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), value.GetIEEEHighBits());
        return new RawBsonValue(BsonTypeCode.Decimal128, bytes);
    }

    public static RawBsonValue DateTime(long millisecondsSinceEpoch)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, millisecondsSinceEpoch);
        return new RawBsonValue(BsonTypeCode.DateTime, bytes);
    }

    public static RawBsonValue Timestamp(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return new RawBsonValue(BsonTypeCode.Timestamp, bytes);
    }

    public static RawBsonValue ObjectId(ObjectId value) => new(BsonTypeCode.ObjectId, value.ToByteArray());

    public static RawBsonValue String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var bytes = new byte[length + 5];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, length + 1);
        Encoding.UTF8.GetBytes(value, bytes.AsSpan(4));
        return new RawBsonValue(BsonTypeCode.String, bytes);
    }

    /// <summary>An array of the given values, copied exactly.</summary>
    public static RawBsonValue Array(IReadOnlyList<RawBsonValue> values)
    {
        var builder = new BsonBuilder(64 + (values.Count * 16));
        builder.StartDocument();
        for (var i = 0; i < values.Count; i++)
        {
            if (!values[i].IsMissing())
            {
                builder.Value(BsonBuilder.Index(i), values[i]);
            }
        }

        builder.End();
        return new RawBsonValue(BsonTypeCode.Array, builder.ToArray());
    }

    /// <summary>The values of an array in order.</summary>
    public static List<RawBsonValue> Elements(RawBsonValue array) => array.AsDocument.Values();

    /// <summary>A number of the narrowest type that holds it: int32 if it fits, else int64.</summary>
    public static RawBsonValue Integer(long value) =>
        value is >= int.MinValue and <= int.MaxValue ? Int32((int)value) : Int64(value);

    /// <summary>The server's name for a BSON type, as used by $type and in error messages.</summary>
    public static string TypeName(BsonTypeCode type) => type == BsonTypeCode.EndOfDocument ? "missing" : BsonTypeNames.Of(type);

    /// <summary>The value as the server prints it in messages: <c>a: 5</c> when named.</summary>
    public static string Describe(string name, RawBsonValue value) => name + ": " + BsonDebugText.Format(value);

    /// <summary>Type and bytes equal: the server's "binary equal" test for no-op updates.</summary>
    public static bool BinaryEquals(RawBsonValue left, RawBsonValue right) =>
        left.Type == right.Type && left.Span.SequenceEqual(right.Span);

    /// <summary>A single-field document, for messages that show <c>{a: 1}</c>.</summary>
    public static string DescribeField(string name, RawBsonValue value) => "{" + Describe(name, value) + "}";
}
