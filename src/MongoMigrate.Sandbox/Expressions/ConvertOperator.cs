using MongoDB.Bson;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>
/// $convert: {input, to, onError, onNull}. <c>to</c> is a type name or number: double, string, bool, int, long,
/// decimal, objectId (from a 24-digit hex string) and date (from a number of milliseconds, a timestamp or an ObjectId);
/// other targets, and dates from strings, are refused with a message naming what the sandbox lacks.
/// </summary>
internal static class ConvertOperator
{
    public static Expression[] Parse(RawBsonValue argument, VariableScope? scope)
    {
        if (argument.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "$convert expects an object of named arguments but found: " + BsonValues.TypeName(argument.Type));
        }

        var document = argument.AsDocument;
        foreach (var required in (ReadOnlySpan<string>)["input", "to"])
        {
            if (!document.Contains(required))
            {
                throw new CommandException(ServerErrorCode.FailedToParse, $"Missing '{required}' parameter to $convert");
            }
        }

        return NamedArguments.Parse(document, "$convert", scope, "input", "to", "onError", "onNull");
    }

    public static RawBsonValue Evaluate(Expression[] arguments, in EvaluationContext context)
    {
        var input = arguments[0].Evaluate(context);
        var to = arguments[1].Evaluate(context);
        if (ArithmeticOperators.IsNullish(to))
        {
            return BsonValues.Null;
        }

        var target = TargetName(to);
        if (ArithmeticOperators.IsNullish(input))
        {
            var onNull = arguments[3].Evaluate(context);
            return onNull.IsMissing() ? BsonValues.Null : onNull;
        }

        try
        {
            return target switch
            {
                "double" => Conversions.ToDouble(input),
                "string" => Conversions.ToStringValue(input),
                "bool" => Conversions.ToBool(input),
                "int" => Conversions.ToInt(input),
                "long" => Conversions.ToLong(input),
                "decimal" => Conversions.ToDecimal(input),
                "objectId" => ToObjectId(input),
                "date" => ToDate(input),
                _ => throw new CommandException(ServerErrorCode.BadValue, $"The sandbox's $convert does not convert to '{target}'; it converts to double, string, bool, int, long, decimal, objectId and date."),
            };
        }
        catch (CommandException e) when (e.Code == ServerErrorCode.ConversionFailure && !arguments[2].Evaluate(context).IsMissing())
        {
            return arguments[2].Evaluate(context);
        }
    }

    private static string TargetName(RawBsonValue to)
    {
        if (to.Type == BsonTypeCode.String)
        {
            var name = to.AsString;
            return name is "double" or "string" or "bool" or "int" or "long" or "decimal" or "objectId" or "date"
                or "binData" or "regex" or "javascript" or "timestamp" or "minKey" or "maxKey" or "null" or "undefined"
                or "object" or "array" or "symbol" or "dbPointer" or "javascriptWithScope"
                ? name
                : throw new CommandException(ServerErrorCode.BadValue, $"Unknown type name: {name}");
        }

        if (to.IsNumeric && to.ToDouble() is var code && code == Math.Floor(code) && code is >= -1 and <= 127)
        {
            return (int)code switch
            {
                1 => "double",
                2 => "string",
                7 => "objectId",
                8 => "bool",
                9 => "date",
                16 => "int",
                18 => "long",
                19 => "decimal",
                var other when Enum.IsDefined((BsonTypeCode)other) => BsonValues.TypeName((BsonTypeCode)other),
                var other => throw new CommandException(ServerErrorCode.BadValue, $"In $convert, numeric value for 'to' does not correspond to a BSON type: {other}"),
            };
        }

        throw new CommandException(ServerErrorCode.FailedToParse, "$convert's 'to' argument must be a string or number, but is " + BsonValues.TypeName(to.Type));
    }

    private static RawBsonValue ToObjectId(RawBsonValue input) => input.Type switch
    {
        BsonTypeCode.ObjectId => input,
        BsonTypeCode.String when input.AsString.Length == 24 && ObjectId.TryParse(input.AsString, out var id) => BsonValues.ObjectId(id),
        BsonTypeCode.String => throw new CommandException(ServerErrorCode.ConversionFailure, $"Failed to parse objectId '{input.AsString}' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found {input.AsString.Length}"),
        _ => throw new CommandException(ServerErrorCode.ConversionFailure, $"Unsupported conversion from {BsonValues.TypeName(input.Type)} to objectId in $convert with no onError value"),
    };

    private static RawBsonValue ToDate(RawBsonValue input) => input.Type switch
    {
        BsonTypeCode.DateTime => input,
        BsonTypeCode.Int64 => BsonValues.DateTime(input.AsInt64),
        BsonTypeCode.Double or BsonTypeCode.Decimal128 => BsonValues.DateTime((long)Math.Truncate(input.ToDouble())),
        BsonTypeCode.Timestamp => BsonValues.DateTime((long)(input.AsTimestamp >> 32) * 1000),
        BsonTypeCode.ObjectId => BsonValues.DateTime((long)input.AsObjectId.Timestamp * 1000),
        BsonTypeCode.String => throw new CommandException(ServerErrorCode.BadValue, "The sandbox's $convert does not parse dates from strings; convert numbers, timestamps or ObjectIds to date."),
        _ => throw new CommandException(ServerErrorCode.ConversionFailure, $"Unsupported conversion from {BsonValues.TypeName(input.Type)} to date in $convert with no onError value"),
    };
}
