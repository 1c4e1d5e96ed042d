using System.Globalization;
using System.Text;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>
/// $year, $month, $dayOfMonth, $hour, $minute, $second, $millisecond, $dayOfWeek, $dayOfYear and $dateToString, as mongod
/// evaluates them: on a date (or a timestamp or ObjectId's time), in UTC or the given timezone (an Olson name or a
/// ±HH:MM offset); a null or missing date gives null.
/// </summary>
internal static class DateOperators
{
    private const string DefaultFormat = "%Y-%m-%dT%H:%M:%S.%LZ";

    /// <summary>Arguments: the date, then the timezone; {date, timezone} or the date expression itself.</summary>
    public static Expression[] ParseDatePart(RawBsonValue argument, VariableScope? scope) =>
        argument.Type == BsonTypeCode.Document && argument.AsDocument.TryGetFirst(out var first) && !first.Name.StartsWith('$')
            ? NamedArguments.Parse(argument.AsDocument, "$datePart", scope, "date", "timezone")
            : [ExpressionParser.Parse(argument, scope)];

    public static Expression[] ParseDateToString(RawBsonValue argument, VariableScope? scope) =>
        argument.Type == BsonTypeCode.Document
            ? NamedArguments.Parse(argument.AsDocument, "$dateToString", scope, "date", "format", "timezone", "onNull")
            : throw new CommandException(18629, "$dateToString only supports an object as its argument");

    public static ExpressionOperators.Implementation Part(Func<DateTimeOffset, int> part) =>
        (Expression[] arguments, in EvaluationContext context) =>
        {
            var date = Date(arguments[0].Evaluate(context), arguments.Length > 1 ? arguments[1].Evaluate(context) : default);
            return date is { } d ? BsonValues.Int32(part(d)) : BsonValues.Null;
        };

    public static RawBsonValue DateToString(Expression[] arguments, in EvaluationContext context)
    {
        var value = arguments[0].Evaluate(context);
        if (ArithmeticOperators.IsNullish(value))
        {
            var onNull = arguments[3].Evaluate(context);
            return onNull.IsMissing() ? BsonValues.Null : onNull;
        }

        var format = arguments[1].Evaluate(context);
        var date = Date(value, arguments[2].Evaluate(context))!.Value;
        return BsonValues.String(Format(date, format.IsMissing() ? DefaultFormat : format.Type == BsonTypeCode.String
            ? format.AsString
            : throw new CommandException(18533, "$dateToString requires that 'format' be a string")));
    }

    private static DateTimeOffset? Date(RawBsonValue value, RawBsonValue timezone)
    {
        if (ArithmeticOperators.IsNullish(value))
        {
            return null;
        }

        var utc = value.Type switch
        {
            BsonTypeCode.DateTime => DateTimeOffset.FromUnixTimeMilliseconds(value.AsDateTimeMilliseconds),
            BsonTypeCode.Timestamp => DateTimeOffset.FromUnixTimeSeconds((long)(value.AsTimestamp >> 32)),
            BsonTypeCode.ObjectId => DateTimeOffset.FromUnixTimeSeconds(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(value.AsObjectId.ToByteArray())),
            _ => throw new CommandException(16006, $"can't convert from BSON type {BsonValues.TypeName(value.Type)} to Date"),
        };
        if (timezone.IsMissing() || timezone.Type == BsonTypeCode.Null)
        {
            return utc;
        }

        if (timezone.Type != BsonTypeCode.String)
        {
            throw new CommandException(40517, "timezone must evaluate to a string");
        }

        var zone = timezone.AsString;
        if (zone is "UTC" or "GMT" or "Z")
        {
            return utc;
        }

        if ((zone.StartsWith('+') || zone.StartsWith('-')) && TimeSpan.TryParseExact(zone[1..].Replace(":", string.Empty, StringComparison.Ordinal), "hhmm", CultureInfo.InvariantCulture, out var offset))
        {
            return utc.ToOffset(zone[0] == '-' ? -offset : offset);
        }

        try
        {
            return TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.FindSystemTimeZoneById(zone));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CommandException(40485, $"unrecognized time zone identifier: \"{zone}\"");
        }
    }

    private static string Format(DateTimeOffset date, string format)
    {
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                text.Append(format[i]);
                continue;
            }

            if (++i >= format.Length)
            {
                throw new CommandException(18535, "Unmatched '%' at end of format string");
            }

            text.Append(format[i] switch
            {
                'Y' => date.Year.ToString("D4", CultureInfo.InvariantCulture),
                'm' => date.Month.ToString("D2", CultureInfo.InvariantCulture),
                'd' => date.Day.ToString("D2", CultureInfo.InvariantCulture),
                'H' => date.Hour.ToString("D2", CultureInfo.InvariantCulture),
                'M' => date.Minute.ToString("D2", CultureInfo.InvariantCulture),
                'S' => date.Second.ToString("D2", CultureInfo.InvariantCulture),
                'L' => date.Millisecond.ToString("D3", CultureInfo.InvariantCulture),
                'j' => date.DayOfYear.ToString("D3", CultureInfo.InvariantCulture),
                'w' => ((int)date.DayOfWeek + 1).ToString(CultureInfo.InvariantCulture),
                'u' => (date.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)date.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'V' => ISOWeek.GetWeekOfYear(date.DateTime).ToString("D2", CultureInfo.InvariantCulture),
                'G' => ISOWeek.GetYear(date.DateTime).ToString("D4", CultureInfo.InvariantCulture),
                'z' => (date.Offset < TimeSpan.Zero ? "-" : "+") + date.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture),
                'Z' => ((int)date.Offset.TotalMinutes).ToString(CultureInfo.InvariantCulture),
                '%' => "%",
                _ => throw new CommandException(18536, $"Invalid format character '%{format[i]}' in format string"),
            });
        }

        return text.ToString();
    }
}
