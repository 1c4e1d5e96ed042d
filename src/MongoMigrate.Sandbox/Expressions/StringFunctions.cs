using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$substrCP, $strLenCP, $split, $trim/$ltrim/$rtrim and $regexMatch, counting code points as mongod does.</summary>
internal static class StringFunctions
{
    public static RawBsonValue SubstrCP(Expression[] arguments, in EvaluationContext context)
    {
        var value = arguments[0].Evaluate(context);
        var text = ArithmeticOperators.IsNullish(value) ? string.Empty : value.Type == BsonTypeCode.String
            ? value.AsString
            : Conversions.ToStringValue(value).AsString;
        if (!arguments[1].Evaluate(context).TryGetInt64(out var start) || start < 0)
        {
            throw new CommandException(34455, "$substrCP: starting index must be a non-negative integer");
        }

        if (!arguments[2].Evaluate(context).TryGetInt64(out var length) || length < 0)
        {
            throw new CommandException(34456, "$substrCP: length must be a non-negative integer");
        }

        var points = CodePoints(text);
        var from = (int)Math.Min(start, points.Count);
        var count = (int)Math.Min(length, points.Count - from);
        return BsonValues.String(string.Concat(points.Skip(from).Take(count)));
    }

    public static RawBsonValue StrLenCP(Expression[] arguments, in EvaluationContext context)
    {
        var value = arguments[0].Evaluate(context);
        return value.Type == BsonTypeCode.String
            ? BsonValues.Int32(CodePoints(value.AsString).Count)
            : throw new CommandException(34471, $"$strLenCP requires a string argument, found: {BsonValues.TypeName(value.Type)}");
    }

    public static RawBsonValue Split(Expression[] arguments, in EvaluationContext context)
    {
        var value = arguments[0].Evaluate(context);
        var delimiter = arguments[1].Evaluate(context);
        if (ArithmeticOperators.IsNullish(value))
        {
            return BsonValues.Null;
        }

        if (value.Type != BsonTypeCode.String)
        {
            throw new CommandException(40085, $"$split requires an expression that evaluates to a string as a first argument, found: {BsonValues.TypeName(value.Type)}");
        }

        if (delimiter.Type != BsonTypeCode.String || delimiter.AsString.Length == 0)
        {
            throw new CommandException(delimiter.Type == BsonTypeCode.String ? 40087 : 40086, "$split requires a non-empty string as its delimiter");
        }

        return BsonValues.Array(value.AsString.Split(delimiter.AsString).Select(BsonValues.String).ToList());
    }

    public static ExpressionOperators.Implementation Trim(bool start, bool end) =>
        (Expression[] arguments, in EvaluationContext context) =>
        {
            var value = arguments[0].Evaluate(context);
            if (ArithmeticOperators.IsNullish(value))
            {
                return BsonValues.Null;
            }

            var chars = arguments[1].Evaluate(context);
            var set = chars.Type == BsonTypeCode.String ? chars.AsString.ToCharArray() : [' ', '\t', '\n', '\r', '\v', '\f', '\0', '\u00a0'];
            var text = value.Type == BsonTypeCode.String ? value.AsString : throw new CommandException(50699, "trim requires its input to be a string");
            return BsonValues.String(start && end ? text.Trim(set) : start ? text.TrimStart(set) : text.TrimEnd(set));
        };

    public static Expression[] ParseTrim(RawBsonValue argument, VariableScope? scope) =>
        argument.Type == BsonTypeCode.Document
            ? NamedArguments.Parse(argument.AsDocument, "$trim", scope, "input", "chars")
            : throw new CommandException(50696, "trim operators only accept an object as their argument");

    public static Expression[] ParseRegex(RawBsonValue argument, VariableScope? scope) =>
        argument.Type == BsonTypeCode.Document
            ? NamedArguments.Parse(argument.AsDocument, "$regexMatch", scope, "input", "regex", "options")
            : throw new CommandException(51103, "$regexMatch expects an object of named arguments");

    public static RawBsonValue RegexMatch(Expression[] arguments, in EvaluationContext context)
    {
        var input = arguments[0].Evaluate(context);
        var regex = arguments[1].Evaluate(context);
        var options = arguments[2].Evaluate(context);
        if (ArithmeticOperators.IsNullish(input) || ArithmeticOperators.IsNullish(regex))
        {
            return BsonValues.False;
        }

        if (input.Type != BsonTypeCode.String)
        {
            throw new CommandException(51104, "$regexMatch needs 'input' to be of type string");
        }

        var (pattern, flags) = regex.Type switch
        {
            BsonTypeCode.String => (regex.AsString, string.Empty),
            BsonTypeCode.RegularExpression => (regex.RegexPattern, regex.RegexOptions),
            _ => throw new CommandException(51105, "$regexMatch needs 'regex' to be of type string or regex"),
        };
        if (options.Type == BsonTypeCode.String)
        {
            flags += options.AsString;
        }

        return BsonValues.Boolean(MongoRegex.Create(pattern, flags).IsMatch(input.AsString));
    }

    private static List<string> CodePoints(string text)
    {
        var points = new List<string>(text.Length);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            points.Add(char.IsSurrogatePair(text, i) ? text.Substring(i, 2) : text[i].ToString());
        }

        return points;
    }
}
