using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$reduce: {input, initialValue, in}: <c>in</c> folds the elements, reading $$value (so far) and $$this; null input gives null.</summary>
internal sealed class ReduceExpression(Expression input, Expression initialValue, Expression body) : Expression
{
    public static Expression Parse(RawDocument arguments, VariableScope? scope)
    {
        var read = NamedArguments.Read(arguments, ["input", "initialValue", "in"], key => new CommandException(40076, $"$reduce found an unknown argument: {key}"));
        var inner = new VariableScope("value", new VariableScope("this", scope));
        return new ReduceExpression(
            ExpressionParser.Parse(read.Required("input", 40077, "$reduce requires 'input' to be specified"), scope),
            ExpressionParser.Parse(read.Required("initialValue", 40078, "$reduce requires 'initialValue' to be specified"), scope),
            ExpressionParser.Parse(read.Required("in", 40079, "$reduce requires 'in' to be specified"), inner));
    }

    public override RawBsonValue Evaluate(in EvaluationContext context)
    {
        if (VariableOperators.InputArray(input.Evaluate(context), 40080, "$reduce requires that 'input' be an array, found: ") is not { } items)
        {
            return BsonValues.Null;
        }

        var accumulated = initialValue.Evaluate(context);
        foreach (var item in items)
        {
            accumulated = body.Evaluate(context.With("this", item).With("value", accumulated));
        }

        return accumulated;
    }
}
