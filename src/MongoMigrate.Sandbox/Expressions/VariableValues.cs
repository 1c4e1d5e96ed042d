using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>The user variables bound at evaluation time: an immutable chain, innermost binding first.</summary>
internal sealed class VariableValues(string name, RawBsonValue value, VariableValues? outer)
{
    /// <summary>The innermost value of <paramref name="variable"/>; missing when unbound (the parser makes sure it is bound).</summary>
    public static RawBsonValue Lookup(VariableValues? values, string variable)
    {
        for (var scope = values; scope is not null; scope = scope.Outer)
        {
            if (scope.Name == variable)
            {
                return scope.Value;
            }
        }

        return BsonValues.Missing;
    }

    public string Name { get; } = name;

    public RawBsonValue Value { get; } = value;

    public VariableValues? Outer { get; } = outer;
}
