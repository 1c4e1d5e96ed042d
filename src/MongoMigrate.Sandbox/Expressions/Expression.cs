using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>A compiled aggregation expression; evaluating it yields a raw value, or a missing one (<c>default</c>).</summary>
public abstract class Expression
{
    public abstract RawBsonValue Evaluate(in EvaluationContext context);

    /// <summary>True for constants, so stages can tell computed fields from plain literals.</summary>
    public virtual bool IsConstant => false;
}
