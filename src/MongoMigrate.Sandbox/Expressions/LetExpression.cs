using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$let: {vars: {name: expression...}, in: expression}; the vars are evaluated in the outer scope, then bound for <c>in</c>.</summary>
internal sealed class LetExpression(IReadOnlyList<(string Name, Expression Value)> variables, Expression body) : Expression
{
    public static Expression Parse(RawDocument arguments, VariableScope? scope)
    {
        var read = NamedArguments.Read(arguments, ["vars", "in"], key => new CommandException(16875, $"Unrecognized parameter to $let: {key}"));
        var vars = read.Required("vars", 16876, "Missing 'vars' parameter to $let");
        if (vars.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "invalid parameter: expected an object (vars)");
        }

        var definitions = new List<(string, Expression)>();
        var inner = scope;
        foreach (var element in vars.AsDocument)
        {
            VariableScope.ValidateUserName(element.Name);
            definitions.Add((element.Name, ExpressionParser.Parse(element.Value, scope)));
            inner = new VariableScope(element.Name, inner);
        }

        var body = ExpressionParser.Parse(read.Required("in", 16877, "Missing 'in' parameter to $let"), inner);
        return new LetExpression(definitions, body);
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
