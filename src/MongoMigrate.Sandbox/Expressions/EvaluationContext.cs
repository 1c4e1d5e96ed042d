using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

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
