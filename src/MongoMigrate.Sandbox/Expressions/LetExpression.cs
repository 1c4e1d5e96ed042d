using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$let: {vars: {name: expression...}, in: expression}; the vars are evaluated in the outer scope, then bound for <c>in</c>.</summary>
internal sealed class LetExpression(IReadOnlyList<(string Name, Expression Value)> variables, Expression body) : Expression
{
    public static Expression Parse(RawDocument arguments, VariableScope? scope)
    {
        RawDocument? vars = null;
        RawBsonValue? body = null;
        foreach (var element in arguments)
        {
            switch (element.Name)
            {
                case "vars":
                    vars = element.Value.Type == BsonTypeCode.Document
                        ? element.Value.AsDocument
                        : throw new CommandException(ServerErrorCode.FailedToParse, "invalid parameter: expected an object (vars)");
                    break;
                case "in":
                    body = element.Value;
                    break;
                default:
                    throw new CommandException(16875, $"Unrecognized parameter to $let: {element.Name}");
            }
        }

        var definitions = new List<(string, Expression)>();
        var inner = scope;
        foreach (var element in vars ?? throw new CommandException(16876, "Missing 'vars' parameter to $let"))
        {
            VariableScope.ValidateUserName(element.Name);
            definitions.Add((element.Name, ExpressionParser.Parse(element.Value, scope)));
            inner = new VariableScope(element.Name, inner);
        }

        var parsedBody = ExpressionParser.Parse(body ?? throw new CommandException(16877, "Missing 'in' parameter to $let"), inner);
        return new LetExpression(definitions, parsedBody);
    }

    public override RawBsonValue Evaluate(in EvaluationContext context)
    {
        var inner = context;
        foreach (var (name, value) in variables)
        {
            inner = inner.With(name, value.Evaluate(context));
        }

        return body.Evaluate(inner);
    }
}
