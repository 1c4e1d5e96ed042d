using System.Globalization;
using System.Text;

namespace MongoMigrate.Bson;

/// <summary>Formats raw values the way the mongo shell and server error messages show them.</summary>
public static class BsonDebugText
{
    private const int MaxLength = 1024;

    public static string Format(RawBsonValue value)
    {
        var text = new StringBuilder();
        try
        {
            Append(text, value, 0);
        }
        catch (BsonFormatException)
        {
            text.Append("<invalid BSON>");
        }

        return text.Length > MaxLength ? string.Concat(text.ToString(0, MaxLength), "...") : text.ToString();
    }

    public static string Format(RawDocument document) => Format(document.AsValue());

    private static void Append(StringBuilder text, RawBsonValue value, int depth)
    {
        if (text.Length > MaxLength || depth > 32)
        {
            text.Append("...");
            return;
        }

        switch (value.Type)
        {
            case BsonTypeCode.Double:
                var d = value.AsDouble;
                text.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : d.ToString("R", CultureInfo.InvariantCulture));
                if (!double.IsNaN(d) && !double.IsInfinity(d) && Math.Floor(d) == d && Math.Abs(d) < 1e15)
                {
                    text.Append(".0");
                }

                break;
            case BsonTypeCode.Int32:
                text.Append(value.AsInt32.ToString(CultureInfo.InvariantCulture));
                break;
            case BsonTypeCode.Int64:
                text.Append(value.AsInt64.ToString(CultureInfo.InvariantCulture));
                break;
            case BsonTypeCode.Decimal128:
                text.Append("NumberDecimal(\"").Append(value.AsDecimal128.ToString()).Append("\")");
                break;
            case BsonTypeCode.String:
                text.Append('"').Append(value.AsString.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                break;
            case BsonTypeCode.Symbol:
                text.Append("Symbol(\"").Append(value.AsString).Append("\")");
                break;
            case BsonTypeCode.JavaScript:
                text.Append("Code(\"").Append(value.AsString).Append("\")");
                break;
            case BsonTypeCode.Document:
            case BsonTypeCode.Array:
                {
                    var isArray = value.Type == BsonTypeCode.Array;
                    text.Append(isArray ? "[" : "{");
                    var first = true;
                    foreach (var element in value.AsDocument)
                    {
                        text.Append(first ? " " : ", ");
                        first = false;
                        if (!isArray)
                        {
                            text.Append(element.Name).Append(": ");
                        }

                        Append(text, element.Value, depth + 1);
                    }

                    text.Append(first ? string.Empty : " ").Append(isArray ? "]" : "}");
                    break;
                }

            case BsonTypeCode.Binary:
                text.Append("BinData(").Append(value.BinarySubType).Append(", ").Append(Convert.ToBase64String(value.BinaryData.Span)).Append(')');
                break;
            case BsonTypeCode.ObjectId:
                text.Append("ObjectId('").Append(Convert.ToHexStringLower(value.Span[..12])).Append("')");
                break;
            case BsonTypeCode.Boolean:
                text.Append(value.AsBoolean ? "true" : "false");
                break;
            case BsonTypeCode.DateTime:
                text.Append("new Date(").Append(value.AsDateTimeMilliseconds.ToString(CultureInfo.InvariantCulture)).Append(')');
                break;
            case BsonTypeCode.Null:
                text.Append("null");
                break;
            case BsonTypeCode.Undefined:
                text.Append("undefined");
                break;
            case BsonTypeCode.Timestamp:
                var ts = value.AsTimestamp;
                text.Append("Timestamp(").Append(ts >> 32).Append(", ").Append(ts & 0xFFFFFFFF).Append(')');
                break;
            case BsonTypeCode.RegularExpression:
                text.Append('/').Append(value.RegexPattern).Append('/').Append(value.RegexOptions);
                break;
            case BsonTypeCode.MinKey:
                text.Append("MinKey");
                break;
            case BsonTypeCode.MaxKey:
                text.Append("MaxKey");
                break;
            default:
                text.Append(value.Type.ToString()).Append("(...)");
                break;
        }
    }
}
