using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

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
