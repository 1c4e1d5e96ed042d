using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>"$a.b" and "$$ROOT.a.b": a path evaluated on the current document.</summary>
internal sealed class FieldPathExpression(FieldPath path, int start) : Expression
{
    public FieldPath Path { get; } = path;

    public override RawBsonValue Evaluate(in EvaluationContext context) =>
        start >= Path.Length ? context.Root : Path.EvaluateFrom(context.Root, start);
}
