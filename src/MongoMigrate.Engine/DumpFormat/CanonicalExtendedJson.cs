using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// Writes raw BSON as compact canonical Extended JSON v2, the form modern mongodump puts in metadata.json.
/// Written from the bytes rather than through BsonDocument so that every type keeps its exact value.
/// </summary>
internal static class CanonicalExtendedJson
{
    public static void WriteDocument(Utf8JsonWriter writer, RawDocument document)
    {
        writer.WriteStartObject();
        foreach (var element in document)
        {
            writer.WritePropertyName(element.Utf8Name.Span);
            WriteValue(writer, element.Value);
        }

        writer.WriteEndObject();
    }

    public static void WriteArray(Utf8JsonWriter writer, RawDocument array)
    {
        writer.WriteStartArray();
        foreach (var element in array)
        {
            WriteValue(writer, element.Value);
        }

        writer.WriteEndArray();
    }

    public static void WriteValue(Utf8JsonWriter writer, RawBsonValue value)
    {
        var span = value.Span;
        switch (value.Type)
        {
            case BsonTypeCode.Double:
                WriteWrapped(writer, "$numberDouble", FormatDouble(value.AsDouble));
                break;
            case BsonTypeCode.String:
                writer.WriteStringValue(value.AsUtf8String);
                break;
            case BsonTypeCode.Document:
                WriteDocument(writer, value.AsDocument);
                break;
            case BsonTypeCode.Array:
                WriteArray(writer, value.AsDocument);
                break;
            case BsonTypeCode.Binary:
                writer.WriteStartObject();
                writer.WriteStartObject("$binary");
                writer.WriteBase64String("base64", BinaryPayload(value));
                writer.WriteString("subType", value.BinarySubType.ToString("x2", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case BsonTypeCode.Undefined:
                writer.WriteStartObject();
                writer.WriteBoolean("$undefined", true);
                writer.WriteEndObject();
                break;
            case BsonTypeCode.ObjectId:
                WriteWrapped(writer, "$oid", Convert.ToHexStringLower(span[..12]));
                break;
            case BsonTypeCode.Boolean:
                writer.WriteBooleanValue(value.AsBoolean);
                break;
            case BsonTypeCode.DateTime:
                writer.WriteStartObject();
                WriteWrappedProperty(writer, "$date", "$numberLong", value.AsDateTimeMilliseconds.ToString(CultureInfo.InvariantCulture));
                writer.WriteEndObject();
                break;
            case BsonTypeCode.Null:
                writer.WriteNullValue();
                break;
            case BsonTypeCode.RegularExpression:
                {
                    var patternEnd = span.IndexOf((byte)0);
                    var options = span[(patternEnd + 1)..];
                    writer.WriteStartObject();
                    writer.WriteStartObject("$regularExpression");
                    writer.WriteString("pattern"u8, span[..patternEnd]);
                    writer.WriteString("options"u8, options[..options.IndexOf((byte)0)]);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                }

            case BsonTypeCode.DbPointer:
                {
                    var length = BinaryPrimitives.ReadInt32LittleEndian(span);
                    writer.WriteStartObject();
                    writer.WriteStartObject("$dbPointer");
                    writer.WriteString("$ref"u8, span.Slice(4, length - 1));
                    WriteWrappedProperty(writer, "$id", "$oid", Convert.ToHexStringLower(span.Slice(4 + length, 12)));
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                }

            case BsonTypeCode.JavaScript:
                writer.WriteStartObject();
                writer.WriteString("$code"u8, value.AsUtf8String);
                writer.WriteEndObject();
                break;
            case BsonTypeCode.Symbol:
                writer.WriteStartObject();
                writer.WriteString("$symbol"u8, value.AsUtf8String);
                writer.WriteEndObject();
                break;
            case BsonTypeCode.JavaScriptWithScope:
                writer.WriteStartObject();
                writer.WriteString("$code"u8, value.AsUtf8String);
                writer.WritePropertyName("$scope");
                WriteDocument(writer, value.JavaScriptScope);
                writer.WriteEndObject();
                break;
            case BsonTypeCode.Int32:
                WriteWrapped(writer, "$numberInt", value.AsInt32.ToString(CultureInfo.InvariantCulture));
                break;
            case BsonTypeCode.Timestamp:
                {
                    var timestamp = value.AsTimestamp;
                    writer.WriteStartObject();
                    writer.WriteStartObject("$timestamp");
                    writer.WriteNumber("t", (uint)(timestamp >> 32));
                    writer.WriteNumber("i", (uint)timestamp);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
                }

            case BsonTypeCode.Int64:
                WriteWrapped(writer, "$numberLong", value.AsInt64.ToString(CultureInfo.InvariantCulture));
                break;
            case BsonTypeCode.Decimal128:
                WriteWrapped(writer, "$numberDecimal", value.AsDecimal128.ToString());
                break;
            case BsonTypeCode.MinKey:
                writer.WriteStartObject();
                writer.WriteNumber("$minKey", 1);
                writer.WriteEndObject();
                break;
            case BsonTypeCode.MaxKey:
                writer.WriteStartObject();
                writer.WriteNumber("$maxKey", 1);
                writer.WriteEndObject();
                break;
            default:
                throw new BsonFormatException($"BSON type 0x{(byte)value.Type:X2} has no Extended JSON form", 0);
        }
    }

    /// <summary>Go's formatting: shortest round-trip digits, with ".0" added to integral values.</summary>
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny('.', 'E') < 0 ? text + ".0" : text;
    }

    // Subtype 2 (old binary) stores its length twice; Extended JSON carries only the payload after the inner length.
    private static ReadOnlySpan<byte> BinaryPayload(RawBsonValue value)
    {
        var data = value.BinaryData.Span;
        return value.BinarySubType == 2 && data.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(data) == data.Length - 4 ? data[4..] : data;
    }

    private static void WriteWrapped(Utf8JsonWriter writer, string name, string text)
    {
        writer.WriteStartObject();
        writer.WriteString(name, text);
        writer.WriteEndObject();
    }

    private static void WriteWrappedProperty(Utf8JsonWriter writer, string property, string name, string text)
    {
        writer.WriteStartObject(property);
        writer.WriteString(name, text);
        writer.WriteEndObject();
    }
}
