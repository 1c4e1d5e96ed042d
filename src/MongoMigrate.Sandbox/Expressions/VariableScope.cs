using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>
/// The user variables an expression being parsed may read ($let's vars, $map's and $filter's <c>as</c>, $reduce's
/// <c>this</c> and <c>value</c>, $lookup's <c>let</c>): mongod refuses "$$name" outside of them when it parses (17276),
/// not when it evaluates. A $lookup's pipeline is compiled for each outer document with its <c>let</c> values bound.
/// </summary>
internal sealed class VariableScope(string name, VariableScope? outer, RawBsonValue? bound = null)
{
    /// <summary>The innermost definition of <paramref name="variable"/>, or null when it is not in scope.</summary>
    public static VariableScope? Find(VariableScope? scope, string variable)
    {
        for (var current = scope; current is not null; current = current.Outer)
        {
            if (current.Name == variable)
            {
                return current;
            }
        }

        return null;
    }

    public string Name { get; } = name;

    public VariableScope? Outer { get; } = outer;

    /// <summary>The value when it is known while parsing (a $lookup's <c>let</c>), else null: it is bound when evaluating.</summary>
    public RawBsonValue? Bound { get; } = bound;

    /// <summary>
    /// Checks a name a user defines as mongod does (variables.cpp): a lowercase ASCII letter or a non-ASCII character
    /// first, then letters, digits, '_' or non-ASCII characters.
    /// </summary>
    public static void ValidateUserName(string variable)
    {
        if (variable.Length == 0)
        {
            throw new CommandException(16866, "empty variable names are not allowed");
        }

        if (!(char.IsAsciiLetterLower(variable[0]) || variable[0] > 0x7f))
        {
            throw new CommandException(16867, $"'{variable}' starts with an invalid character for a user variable name");
        }

        foreach (var c in variable)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c > 0x7f))
            {
                throw new CommandException(16868, $"'{variable}' contains an invalid character for a variable name: '{c}'");
            }
        }
    }
}
