using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

internal sealed class ConstantExpression(RawBsonValue value) : Expression
{
    public RawBsonValue Value { get; } = value;

    public override bool IsConstant => true;

    public override RawBsonValue Evaluate(in EvaluationContext context) => Value;
}
