using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>What an expression is evaluated against: the current document ($$ROOT and $$CURRENT) and the user variables in scope.</summary>
public readonly struct EvaluationContext
{
    public EvaluationContext(RawBsonValue root)
    {
        Root = root;
    }

    private EvaluationContext(RawBsonValue root, VariableValues? variables)
    {
        Root = root;
        Variables = variables;
    }

    public RawBsonValue Root { get; }

    /// <summary>The values bound by $let, $map, $filter and $reduce around the expression being evaluated, innermost first.</summary>
    internal VariableValues? Variables { get; }

    public static EvaluationContext ForDocument(RawDocument document) => new(document.AsValue());

    /// <summary>This context with one more variable bound (hiding an outer one of the same name).</summary>
    internal EvaluationContext With(string name, RawBsonValue value) => new(Root, new VariableValues(name, value, Variables));
}
