using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>An operator such as $add applied to its argument expressions.</summary>
internal sealed class OperatorExpression(string name, Expression[] arguments, ExpressionOperators.Implementation implementation) : Expression
{
    public string Name { get; } = name;

    public override RawBsonValue Evaluate(in EvaluationContext context) => implementation(arguments, context);
}
