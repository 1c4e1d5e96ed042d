using System.Buffers.Binary;

namespace MongoMigrate.Bson;

/// <summary>Measures how many bytes a BSON value of a given type occupies, without decoding it.</summary>
public static class BsonValueSize
{
    /// <summary>
    /// Returns the length of the value that starts at <paramref name="value"/>[0], or -1 when the
    /// bytes cannot hold a value of that type (truncated, negative or inconsistent lengths, unknown type).
    /// Only the framing is checked here; <see cref="BsonDocumentValidator"/> checks the contents.
    /// </summary>
    public static int Measure(BsonTypeCode type, ReadOnlySpan<byte> value)
    {
        switch (type)
        {
            case BsonTypeCode.Double:
            case BsonTypeCode.DateTime:
            case BsonTypeCode.Timestamp:
            case BsonTypeCode.Int64:
                return value.Length >= 8 ? 8 : -1;
            case BsonTypeCode.Int32:
                return value.Length >= 4 ? 4 : -1;
            case BsonTypeCode.Decimal128:
                return value.Length >= 16 ? 16 : -1;
            case BsonTypeCode.ObjectId:
                return value.Length >= 12 ? 12 : -1;
            case BsonTypeCode.Boolean:
                return value.Length >= 1 ? 1 : -1;
            case BsonTypeCode.Undefined:
            case BsonTypeCode.Null:
            case BsonTypeCode.MinKey:
            case BsonTypeCode.MaxKey:
                return 0;
            case BsonTypeCode.String:
            case BsonTypeCode.JavaScript:
            case BsonTypeCode.Symbol:
                return MeasureString(value);
            case BsonTypeCode.Document:
            case BsonTypeCode.Array:
                return MeasureDocument(value);
            case BsonTypeCode.Binary:
                {
                    if (value.Length < 5)
                    {
                        return -1;
                    }

                    var length = BinaryPrimitives.ReadInt32LittleEndian(value);
                    return length < 0 || length > value.Length - 5 ? -1 : length + 5;
                }

            case BsonTypeCode.RegularExpression:
                {
                    var pattern = value.IndexOf((byte)0);
                    if (pattern < 0)
                    {
                        return -1;
                    }

                    var options = value[(pattern + 1)..].IndexOf((byte)0);
                    return options < 0 ? -1 : pattern + options + 2;
                }

            case BsonTypeCode.DbPointer:
                {
                    var ns = MeasureString(value);
                    return ns < 0 || value.Length - ns < 12 ? -1 : ns + 12;
                }

            case BsonTypeCode.JavaScriptWithScope:
                {
                    if (value.Length < 4)
                    {
                        return -1;
                    }

                    var length = BinaryPrimitives.ReadInt32LittleEndian(value);
                    return length < 14 || length > value.Length ? -1 : length;
                }

            default:
                return -1;
        }
    }

    /// <summary>Length of an int32-prefixed, NUL-terminated string value, or -1.</summary>
    public static int MeasureString(ReadOnlySpan<byte> value)
    {
        if (value.Length < 5)
        {
            return -1;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(value);
        return length < 1 || length > value.Length - 4 ? -1 : length + 4;
    }

    /// <summary>Length of an embedded document or array, from its int32 prefix, or -1.</summary>
    public static int MeasureDocument(ReadOnlySpan<byte> value)
    {
        if (value.Length < 5)
        {
            return -1;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(value);
        return length < 5 || length > value.Length ? -1 : length;
    }

    /// <summary>True for the type codes that BSON defines (deprecated ones included).</summary>
    public static bool IsKnownType(byte type) =>
        type is >= 0x01 and <= 0x13 or 0x7F or 0xFF;
}
