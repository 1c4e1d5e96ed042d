using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>"$$name" and "$$name.a.b": a user variable's value (bound while evaluating, or already at parse time), or a path inside it.</summary>
internal sealed class VariableExpression(string name, FieldPath path, RawBsonValue? bound) : Expression
{
    public override RawBsonValue Evaluate(in EvaluationContext context)
    {
        var value = bound ?? VariableValues.Lookup(context.Variables, name);
        return path.Length <= 1 || value.IsMissing() ? value : path.EvaluateFrom(value, 1);
    }
}
