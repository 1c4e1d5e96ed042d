using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$map: {input, as (default "this"), in}: <c>in</c> for each element; null input gives null, a missing result null.</summary>
internal sealed class MapExpression(Expression input, string variable, Expression body) : Expression
{
    public static Expression Parse(RawDocument arguments, VariableScope? scope)
    {
        var read = NamedArguments.Read(arguments, ["input", "as", "in"], key => new CommandException(16879, $"Unrecognized parameter to $map: {key}"));
        var name = VariableOperators.AsName(read.Find("as") ?? default, "$map");
        return new MapExpression(
            ExpressionParser.Parse(read.Required("input", 16880, "Missing 'input' parameter to $map"), scope),
            name,
            ExpressionParser.Parse(read.Required("in", 16882, "Missing 'in' parameter to $map"), new VariableScope(name, scope)));
    }

    public override RawBsonValue Evaluate(in EvaluationContext context)
    {
        if (VariableOperators.InputArray(input.Evaluate(context), 16883, "input to $map must be an array not ") is not { } items)
        {
            return BsonValues.Null;
        }

        var results = new RawBsonValue[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var value = body.Evaluate(context.With(variable, items[i]));
            results[i] = value.IsMissing() ? BsonValues.Null : value;
        }

        return BsonValues.Array(results);
    }
}
