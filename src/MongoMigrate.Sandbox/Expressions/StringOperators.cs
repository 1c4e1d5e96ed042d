using System.Text;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$concat, $toLower and $toUpper; $concat of a null or missing operand is null.</summary>
internal static class StringOperators
{
    public static RawBsonValue Concat(Expression[] arguments, in EvaluationContext context)
    {
        var text = new StringBuilder();
        foreach (var argument in arguments)
        {
            var value = argument.Evaluate(context);
            if (ArithmeticOperators.IsNullish(value))
            {
                return BsonValues.Null;
            }

            if (value.Type != BsonTypeCode.String)
            {
                throw new CommandException(16702, $"$concat only supports strings, not {BsonValues.TypeName(value.Type)}");
            }

            text.Append(value.AsString);
        }

        return BsonValues.String(text.ToString());
    }

    public static RawBsonValue ToLower(Expression[] arguments, in EvaluationContext context) =>
        BsonValues.String(CoerceToString(arguments[0].Evaluate(context), "$toLower").ToLowerInvariant());

    public static RawBsonValue ToUpper(Expression[] arguments, in EvaluationContext context) =>
        BsonValues.String(CoerceToString(arguments[0].Evaluate(context), "$toUpper").ToUpperInvariant());

    /// <summary>The lenient string coercion of $toLower/$toUpper: null becomes "", numbers and dates their text.</summary>
    private static string CoerceToString(RawBsonValue value, string op)
    {
        if (ArithmeticOperators.IsNullish(value))
        {
            return string.Empty;
        }

        return value.Type switch
        {
            BsonTypeCode.String or BsonTypeCode.Symbol => value.AsString,
            BsonTypeCode.Int32 or BsonTypeCode.Int64 or BsonTypeCode.Double or BsonTypeCode.Decimal128 or BsonTypeCode.DateTime or BsonTypeCode.Timestamp
                => Conversions.ToStringValue(value).AsString,
            _ => throw new CommandException(16007, $"can't convert from BSON type {BsonValues.TypeName(value.Type)} to String ({op})"),
        };
    }
}
