using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$reduce: {input, initialValue, in}: <c>in</c> folds the elements, reading $$value (so far) and $$this; null input gives null.</summary>
internal sealed class ReduceExpression(Expression input, Expression initialValue, Expression body) : Expression
{
    public static Expression Parse(RawDocument arguments, VariableScope? scope)
    {
        RawBsonValue? input = null, initial = null, body = null;
        foreach (var element in arguments)
        {
            switch (element.Name)
            {
                case "input":
                    input = element.Value;
                    break;
                case "initialValue":
                    initial = element.Value;
                    break;
                case "in":
                    body = element.Value;
                    break;
                default:
                    throw new CommandException(40076, $"$reduce found an unknown argument: {element.Name}");
            }
        }

        var inner = new VariableScope("value", new VariableScope("this", scope));
        return new ReduceExpression(
            ExpressionParser.Parse(input ?? throw new CommandException(40077, "$reduce requires 'input' to be specified"), scope),
            ExpressionParser.Parse(initial ?? throw new CommandException(40078, "$reduce requires 'initialValue' to be specified"), scope),
            ExpressionParser.Parse(body ?? throw new CommandException(40079, "$reduce requires 'in' to be specified"), inner));
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
