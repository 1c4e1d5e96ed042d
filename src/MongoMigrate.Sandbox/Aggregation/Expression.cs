using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>A compiled aggregation expression; evaluating it yields a raw value, or a missing one (<c>default</c>).</summary>
public abstract class Expression
{
    public abstract RawBsonValue Evaluate(in EvaluationContext context);

    /// <summary>True for constants, so stages can tell computed fields from plain literals.</summary>
    public virtual bool IsConstant => false;
}

/// <summary>What an expression is evaluated against: the current document ($$ROOT and $$CURRENT).</summary>
public readonly struct EvaluationContext
{
    public EvaluationContext(RawBsonValue root)
    {
        Root = root;
    }

    public RawBsonValue Root { get; }

    public static EvaluationContext ForDocument(RawDocument document) => new(document.AsValue());
}

internal sealed class ConstantExpression(RawBsonValue value) : Expression
{
    public RawBsonValue Value { get; } = value;

    public override bool IsConstant => true;

    public override RawBsonValue Evaluate(in EvaluationContext context) => Value;
}

/// <summary>"$a.b" and "$$ROOT.a.b": a path evaluated on the current document.</summary>
internal sealed class FieldPathExpression(FieldPath path, int start) : Expression
{
    public FieldPath Path { get; } = path;

    public override RawBsonValue Evaluate(in EvaluationContext context) =>
        start >= Path.Length ? context.Root : Path.EvaluateFrom(context.Root, start);
}

/// <summary>$$REMOVE: evaluates to missing, so the field is left out.</summary>
internal sealed class RemoveExpression : Expression
{
    public static RemoveExpression Instance { get; } = new();

    public override RawBsonValue Evaluate(in EvaluationContext context) => BsonValues.Missing;
}

/// <summary>A document of expressions; fields that evaluate to missing are left out.</summary>
internal sealed class ObjectExpression(IReadOnlyList<KeyValuePair<string, Expression>> fields) : Expression
{
    public IReadOnlyList<KeyValuePair<string, Expression>> Fields { get; } = fields;

    public override RawBsonValue Evaluate(in EvaluationContext context)
    {
        var builder = new BsonBuilder();
        builder.StartDocument();
        foreach (var (name, expression) in Fields)
        {
            var value = expression.Evaluate(context);
            if (!value.IsMissing())
            {
                builder.Value(name, value);
            }
        }

        builder.End();
        return new RawBsonValue(BsonTypeCode.Document, builder.ToArray());
    }
}

/// <summary>An array of expressions; a missing element becomes null, as on the server.</summary>
internal sealed class ArrayExpression(Expression[] items) : Expression
{
    public override RawBsonValue Evaluate(in EvaluationContext context)
    {
        var values = new RawBsonValue[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var value = items[i].Evaluate(context);
            values[i] = value.IsMissing() ? BsonValues.Null : value;
        }

        return BsonValues.Array(values);
    }
}

/// <summary>An operator such as $add applied to its argument expressions.</summary>
internal sealed class OperatorExpression(string name, Expression[] arguments, ExpressionOperators.Implementation implementation) : Expression
{
    public string Name { get; } = name;

    public override RawBsonValue Evaluate(in EvaluationContext context) => implementation(arguments, context);
}
