using System.Diagnostics.CodeAnalysis;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>The operators that bind user variables for the expressions inside them: $let, $map, $filter and $reduce.</summary>
internal static class VariableOperators
{
    public static bool TryParse(string name, RawBsonValue argument, VariableScope? scope, [NotNullWhen(true)] out Expression? expression)
    {
        expression = name switch
        {
            "$let" => LetExpression.Parse(Arguments(name, argument), scope),
            "$map" => MapExpression.Parse(Arguments(name, argument), scope),
            "$filter" => FilterExpression.Parse(Arguments(name, argument), scope),
            "$reduce" => ReduceExpression.Parse(Arguments(name, argument), scope),
            _ => null,
        };
        return expression is not null;
    }

    /// <summary>The variable an <c>as</c> names, "this" when absent, checked as mongod checks user variable names.</summary>
    public static string AsName(RawBsonValue value, string op)
    {
        if (value.IsMissing())
        {
            return "this";
        }

        if (value.Type != BsonTypeCode.String)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, $"{op}: 'as' must be a string, not {BsonValues.TypeName(value.Type)}");
        }

        VariableScope.ValidateUserName(value.AsString);
        return value.AsString;
    }

    /// <summary>The array an operator iterates: null for null or missing input, the values otherwise; other types fail with the operator's error.</summary>
    public static List<RawBsonValue>? InputArray(RawBsonValue input, int code, string message)
    {
        if (ArithmeticOperators.IsNullish(input))
        {
            return null;
        }

        return input.Type == BsonTypeCode.Array
            ? BsonValues.Elements(input)
            : throw new CommandException(code, message + BsonValues.TypeName(input.Type));
    }

    private static RawDocument Arguments(string name, RawBsonValue argument) =>
        argument.Type == BsonTypeCode.Document
            ? argument.AsDocument
            : throw new CommandException(ServerErrorCode.FailedToParse, $"{name} only supports an object as its argument");
}
