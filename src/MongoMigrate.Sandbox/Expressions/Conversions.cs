using System.Globalization;
using MongoDB.Bson;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$toString, $toInt, $toLong, $toDouble, $toDecimal and $toBool with $convert's rules; null or missing gives null.</summary>
internal static class Conversions
{
    private const int ConversionFailure = 241;

    public static RawBsonValue ToStringValue(RawBsonValue value)
    {
        if (IsNullish(value))
        {
            return BsonValues.Null;
        }

        return value.Type switch
        {
            BsonTypeCode.String => value,
            BsonTypeCode.Symbol => BsonValues.String(value.AsString),
            BsonTypeCode.Int32 => BsonValues.String(value.AsInt32.ToString(CultureInfo.InvariantCulture)),
            BsonTypeCode.Int64 => BsonValues.String(value.AsInt64.ToString(CultureInfo.InvariantCulture)),
            BsonTypeCode.Double => BsonValues.String(FormatDouble(value.AsDouble)),
            BsonTypeCode.Decimal128 => BsonValues.String(value.AsDecimal128.ToString()),
            BsonTypeCode.Boolean => BsonValues.String(value.AsBoolean ? "true" : "false"),
            BsonTypeCode.ObjectId => BsonValues.String(Convert.ToHexStringLower(value.Span[..12])),
            BsonTypeCode.DateTime => BsonValues.String(FormatDate(value.AsDateTimeMilliseconds)),
            _ => throw Unsupported(value, "string"),
        };
    }

    public static RawBsonValue ToInt(RawBsonValue value)
    {
        if (IsNullish(value))
        {
            return BsonValues.Null;
        }

        var l = ToInt64Checked(value, "int");
        if (l is < int.MinValue or > int.MaxValue)
        {
            throw Overflow(value);
        }

        return BsonValues.Int32((int)l);
    }

    public static RawBsonValue ToLong(RawBsonValue value)
    {
        if (IsNullish(value))
        {
            return BsonValues.Null;
        }

        return value.Type == BsonTypeCode.DateTime ? BsonValues.Int64(value.AsDateTimeMilliseconds) : BsonValues.Int64(ToInt64Checked(value, "long"));
    }

    public static RawBsonValue ToDouble(RawBsonValue value)
    {
        if (IsNullish(value))
        {
            return BsonValues.Null;
        }

        switch (value.Type)
        {
            case BsonTypeCode.Double:
                return value;
            case BsonTypeCode.Int32:
            case BsonTypeCode.Int64:
            case BsonTypeCode.Decimal128:
                return BsonValues.Double(value.ToDouble());
            case BsonTypeCode.Boolean:
                return BsonValues.Double(value.AsBoolean ? 1 : 0);
            case BsonTypeCode.DateTime:
                return BsonValues.Double(value.AsDateTimeMilliseconds);
            case BsonTypeCode.String:
                {
                    var text = value.AsString;
                    if (text.Length > 0 && !char.IsWhiteSpace(text[0]) && !char.IsWhiteSpace(text[^1])
                        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    {
                        return BsonValues.Double(d);
                    }

                    throw new CommandException(ConversionFailure, $"Failed to parse number '{text}' in $convert with no onError value: Did not consume whole string.");
                }

            default:
                throw Unsupported(value, "double");
        }
    }

    /// <summary>A decimal: integers exactly, a double at 15 significant digits ({$toDecimal: 2.5} is 2.50000000000000, as mongod gives it), dates as milliseconds.</summary>
    public static RawBsonValue ToDecimal(RawBsonValue value)
    {
        if (IsNullish(value))
        {
            return BsonValues.Null;
        }

        switch (value.Type)
        {
            case BsonTypeCode.Decimal128:
                return value;
            case BsonTypeCode.Int32:
                return BsonValues.Decimal128(new Decimal128(value.AsInt32));
            case BsonTypeCode.Int64:
                return BsonValues.Decimal128(new Decimal128(value.AsInt64));
            case BsonTypeCode.Boolean:
                return BsonValues.Decimal128(value.AsBoolean ? Decimal128.One : Decimal128.Zero);
            case BsonTypeCode.DateTime:
                return BsonValues.Decimal128(new Decimal128(value.AsDateTimeMilliseconds));
            case BsonTypeCode.Double:
                {
                    var d = value.AsDouble;
                    var text = double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : d.ToString("E14", CultureInfo.InvariantCulture);
                    return BsonValues.Decimal128(Decimal128.Parse(text));
                }

            case BsonTypeCode.String:
                {
                    var text = value.AsString;
                    if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.') && !text.Contains("0x", StringComparison.OrdinalIgnoreCase)
                        && Decimal128.TryParse(text, out var parsed))
                    {
                        return BsonValues.Decimal128(parsed);
                    }

                    throw new CommandException(ConversionFailure, $"Failed to parse number '{text}' in $convert with no onError value: Failed to parse string to decimal");
                }

            default:
                throw Unsupported(value, "decimal");
        }
    }

    public static RawBsonValue ToBool(RawBsonValue value)
    {
        if (IsNullish(value))
        {
            return BsonValues.Null;
        }

        return value.Type switch
        {
            BsonTypeCode.Boolean => value,
            BsonTypeCode.Int32 or BsonTypeCode.Int64 or BsonTypeCode.Double or BsonTypeCode.Decimal128 => BsonValues.Boolean(value.IsTruthy),
            BsonTypeCode.Document or BsonTypeCode.Array or BsonTypeCode.Binary or BsonTypeCode.RegularExpression => throw Unsupported(value, "bool"),
            _ => BsonValues.True,
        };
    }

    private static long ToInt64Checked(RawBsonValue value, string target)
    {
        switch (value.Type)
        {
            case BsonTypeCode.Int32:
                return value.AsInt32;
            case BsonTypeCode.Int64:
                return value.AsInt64;
            case BsonTypeCode.Boolean:
                return value.AsBoolean ? 1 : 0;
            case BsonTypeCode.Double:
                {
                    var d = value.AsDouble;
                    if (double.IsNaN(d))
                    {
                        throw new CommandException(ConversionFailure, $"Attempt to convert NaN value to integer type in $convert with no onError value: {BsonDebugText.Format(value)}");
                    }

                    var truncated = Math.Truncate(d);
                    if (double.IsInfinity(d) || truncated >= 9223372036854775808.0 || truncated < -9223372036854775808.0)
                    {
                        throw Overflow(value);
                    }

                    return (long)truncated;
                }

            case BsonTypeCode.Decimal128:
                {
                    var dec = value.AsDecimal128;
                    if (Decimal128.IsNaN(dec))
                    {
                        throw new CommandException(ConversionFailure, $"Attempt to convert NaN value to integer type in $convert with no onError value: {BsonDebugText.Format(value)}");
                    }

                    try
                    {
                        return (long)decimal.Truncate(Decimal128.ToDecimal(dec));
                    }
                    catch (OverflowException)
                    {
                        throw Overflow(value);
                    }
                }

            case BsonTypeCode.String:
                {
                    var text = value.AsString;
                    if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] == '-' || text[0] == '+')
                        && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                    {
                        return l;
                    }

                    throw new CommandException(ConversionFailure, $"Failed to parse number '{text}' in $convert with no onError value: Did not consume whole string.");
                }

            default:
                throw Unsupported(value, target);
        }
    }

    private static bool IsNullish(RawBsonValue value) => value.IsMissing() || value.IsNullOrUndefined;

    private static CommandException Unsupported(RawBsonValue value, string target) =>
        new(ConversionFailure, $"Unsupported conversion from {BsonValues.TypeName(value.Type)} to {target} in $convert with no onError value");

    private static CommandException Overflow(RawBsonValue value) =>
        new(ConversionFailure, $"Conversion would overflow target type in $convert with no onError value: {BsonDebugText.Format(value)}");

    /// <summary>Doubles print without a trailing ".0" when integral, as the server prints them.</summary>
    internal static string FormatDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    internal static string FormatDate(long milliseconds)
    {
        try
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new CommandException(18537, "Could not convert date to string: date component was outside the supported range of 0-9999");
        }
    }
}
