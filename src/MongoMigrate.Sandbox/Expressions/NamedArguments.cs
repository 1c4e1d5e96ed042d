using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>The document form of an operator's arguments ({input, regex}, {date, format}...) as positional expressions, absent ones missing.</summary>
internal static class NamedArguments
{
    public static Expression[] Parse(RawDocument arguments, string op, VariableScope? scope, params string[] names)
    {
        var result = names.Select(_ => (Expression)new ConstantExpression(default)).ToArray();
        foreach (var element in arguments)
        {
            var index = Array.IndexOf(names, element.Name);
            if (index < 0)
            {
                throw new CommandException(ServerErrorCode.FailedToParse, $"{op} found an unknown argument: {element.Name}");
            }

            result[index] = ExpressionParser.Parse(element.Value, scope);
        }

        return result;
    }
}
