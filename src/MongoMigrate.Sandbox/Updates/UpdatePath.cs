namespace MongoMigrate.Sandbox.Updates;

/// <summary>A validated update path ("a.b", "a.$.c", "a.$[].c", "a.$[x].c") split into components.</summary>
internal sealed class UpdatePath
{
    private UpdatePath(string dotted, string[] parts)
    {
        Dotted = dotted;
        Parts = parts;
    }

    public string Dotted { get; }

    public string[] Parts { get; }

    public bool IsPositional => Parts.Contains("$");

    public static UpdatePath Parse(string dotted)
    {
        if (dotted.Length == 0)
        {
            throw new CommandException(ServerErrorCode.EmptyFieldName, "An empty update path is not valid.");
        }

        var parts = dotted.Split('.');
        var positional = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (part.Length == 0)
            {
                throw new CommandException(ServerErrorCode.EmptyFieldName, $"The update path '{dotted}' contains an empty field name, which is not allowed.");
            }

            if (part == "$")
            {
                if (i == 0)
                {
                    throw new CommandException(ServerErrorCode.BadValue, $"Cannot have positional (i.e. '$') element in the first component in path '{dotted}'");
                }

                if (++positional > 1)
                {
                    throw new CommandException(ServerErrorCode.BadValue, $"Too many positional (i.e. '$') elements found in path '{dotted}'");
                }
            }
            else if (IsArrayFilter(part, out var identifier))
            {
                if (i == 0)
                {
                    throw new CommandException(ServerErrorCode.BadValue, $"Cannot have array filter identifier (i.e. '$[<id>]') element in the first component in path '{dotted}'");
                }

                if (identifier.Length > 0 && !IsValidIdentifier(identifier))
                {
                    throw new CommandException(ServerErrorCode.BadValue, $"The array filter identifier '{identifier}' must be an alphanumeric string beginning with a lowercase letter ('{dotted}')");
                }
            }
        }

        return new UpdatePath(dotted, parts);
    }

    /// <summary>"$[]" (identifier "") or "$[id]".</summary>
    public static bool IsArrayFilter(string part, out string identifier)
    {
        if (part.Length >= 3 && part.StartsWith("$[", StringComparison.Ordinal) && part.EndsWith(']'))
        {
            identifier = part[2..^1];
            return true;
        }

        identifier = string.Empty;
        return false;
    }

    public static bool IsValidIdentifier(string identifier) =>
        identifier.Length > 0 && char.IsAsciiLetterLower(identifier[0]) && identifier.All(char.IsAsciiLetterOrDigit);

    /// <summary>Whether one path is the other or a prefix of it, component-wise.</summary>
    public static bool Overlaps(string[] left, string[] right)
    {
        var n = Math.Min(left.Length, right.Length);
        for (var i = 0; i < n; i++)
        {
            if (!string.Equals(left[i], right[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Dotted;
}
