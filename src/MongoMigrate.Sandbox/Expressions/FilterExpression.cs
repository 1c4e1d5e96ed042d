using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>
/// $filter: {input, as (default "this"), cond, limit}: the elements for which <c>cond</c> is true, at most
/// <c>limit</c> of them (a positive whole number; null means no limit); null input gives null.
/// </summary>
internal sealed class FilterExpression(Expression input, string variable, Expression condition, Expression? limit) : Expression
{
    public static Expression Parse(RawDocument arguments, VariableScope? scope)
    {
        var read = NamedArguments.Read(arguments, ["input", "as", "cond", "limit"], key => new CommandException(28647, $"Unrecognized parameter to $filter: {key}"));
        var name = VariableOperators.AsName(read.Find("as") ?? default, "$filter");
        return new FilterExpression(
            ExpressionParser.Parse(read.Required("input", 28648, "Missing 'input' parameter to $filter"), scope),
            name,
            ExpressionParser.Parse(read.Required("cond", 28650, "Missing 'cond' parameter to $filter"), new VariableScope(name, scope)),
            read.Find("limit") is { } limit ? ExpressionParser.Parse(limit, scope) : null);
    }

    public override RawBsonValue Evaluate(in EvaluationContext context)
    {
        if (VariableOperators.InputArray(input.Evaluate(context), 28651, "input to $filter must be an array not ") is not { } items)
        {
            return BsonValues.Null;
        }

        var max = Limit(context);
        var kept = new List<RawBsonValue>();
        foreach (var item in items)
        {
            if (kept.Count >= max)
            {
                break;
            }

            if (Truth.IsTrue(condition.Evaluate(context.With(variable, item))))
            {
                kept.Add(item);
            }
        }

        return BsonValues.Array(kept);
    }

    private long Limit(in EvaluationContext context)
    {
        if (limit is null)
        {
            return long.MaxValue;
        }

        var value = limit.Evaluate(context);
        if (ArithmeticOperators.IsNullish(value))
        {
            return long.MaxValue;
        }

        if (!value.IsNumeric || value.ToDouble() is var d && (d != Math.Floor(d) || d > int.MaxValue))
        {
            throw new CommandException(327391, $"$filter: limit must be represented as a 32-bit integral value: {BsonDebugText.Format(value)}");
        }

        return d >= 1 ? (long)d : throw new CommandException(327392, $"$filter: limit must be greater than 0: {BsonDebugText.Format(value)}");
    }
}
