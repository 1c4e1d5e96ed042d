using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>$$REMOVE: evaluates to missing, so the field is left out.</summary>
internal sealed class RemoveExpression : Expression
{
    public static RemoveExpression Instance { get; } = new();

    public override RawBsonValue Evaluate(in EvaluationContext context) => BsonValues.Missing;
}
