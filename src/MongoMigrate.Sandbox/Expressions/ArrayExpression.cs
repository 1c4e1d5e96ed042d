using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

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
