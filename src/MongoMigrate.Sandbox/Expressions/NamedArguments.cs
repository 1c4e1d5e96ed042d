using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>
/// An operator's arguments given by name ({input, as, in}, {if, then, else}, {date, format}...): the raw value of
/// each name the operator knows, read once; a name it does not know fails with the operator's own error, and a name
/// given twice keeps its last value, as mongod does.
/// </summary>
internal sealed class NamedArguments
{
    private readonly IReadOnlyList<string> _names;
    private readonly RawBsonValue?[] _values;

    private NamedArguments(IReadOnlyList<string> names, RawBsonValue?[] values)
    {
        _names = names;
        _values = values;
    }

    /// <summary>Reads <paramref name="arguments"/>; the first name not in <paramref name="names"/> fails with <paramref name="unknown"/>'s error.</summary>
    public static NamedArguments Read(RawDocument arguments, IReadOnlyList<string> names, Func<string, CommandException> unknown)
    {
        var values = new RawBsonValue?[names.Count];
        foreach (var element in arguments)
        {
            var index = IndexOf(names, element.Name);
            if (index < 0)
            {
                throw unknown(element.Name);
            }

            values[index] = element.Value;
        }

        return new NamedArguments(names, values);
    }

    /// <summary>
    /// The arguments as positional expressions in the order of <paramref name="names"/>, all in one scope, an absent one
    /// missing; an unknown name fails with "{op} found an unknown argument".
    /// </summary>
    public static Expression[] Parse(RawDocument arguments, string op, VariableScope? scope, params string[] names)
    {
        var read = Read(arguments, names, name => new CommandException(ServerErrorCode.FailedToParse, $"{op} found an unknown argument: {name}"));
        return [.. read._values.Select(value => value is { } v ? ExpressionParser.Parse(v, scope) : new ConstantExpression(default))];
    }

    /// <summary>The value given for <paramref name="name"/>, or null when it is absent.</summary>
    public RawBsonValue? Find(string name)
    {
        var index = IndexOf(_names, name);
        return index >= 0 ? _values[index] : throw new ArgumentException($"{name} is not one of this operator's arguments", nameof(name));
    }

    /// <summary>The value given for <paramref name="name"/>; absent, it fails with the operator's error.</summary>
    public RawBsonValue Required(string name, int code, string message) => Find(name) ?? throw new CommandException(code, message);

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
