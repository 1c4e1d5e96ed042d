namespace MongoMigrate.Engine.Namespaces;

/// <summary>
/// A mongorestore-style namespace pattern: "db.coll", "db.*", "*.coll", "*", with "*" matching any run
/// of characters. A pattern without a dot names a whole database ("db" is "db.*").
/// </summary>
public sealed class NamespacePattern
{
    private readonly string _pattern;

    private NamespacePattern(string text, string pattern)
    {
        Text = text;
        _pattern = pattern;
    }

    public string Text { get; }

    /// <summary>The pattern over full names ("db.coll", a bare database given as "db.*"), with "*" for any run of characters.</summary>
    public string FullNamePattern => _pattern;

    public static NamespacePattern Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new MigrationException($"'{text}' is not a namespace pattern: it is empty. Use db.coll, db.* or *.coll.");
        }

        // No database name holds these characters, so a pattern with them in its database part matches nothing:
        // most likely a URI given to the wrong option, which must not be kept (or echoed) with its password.
        var database = text.Split('.', 2)[0];
        if (database.AsSpan().IndexOfAny(NamespaceRules.ForbiddenInDatabaseNames.Replace("*", string.Empty, StringComparison.Ordinal)) is var at and >= 0)
        {
            throw new MigrationException(
                $"'{Connections.SecretRedactor.RedactUri(text)}' is not a namespace pattern: its database part has '{(database[at] == '\0' ? "\\0" : database[at])}', which no database name has. Use db.coll, db.* or *.coll (a URI goes to --source or --target).");
        }

        var pattern = text.Contains('.', StringComparison.Ordinal) ? text : text + ".*";
        return new NamespacePattern(text, pattern);
    }

    public bool Matches(NamespaceName ns) => Glob.Match(_pattern, ns.FullName, out _);

    /// <summary>The parts each "*" matched, in order, for renames that carry them over.</summary>
    public bool TryMatch(NamespaceName ns, out IReadOnlyList<string> captures) => Glob.Match(_pattern, ns.FullName, out captures);

    /// <summary>Fills this pattern's "*"s with <paramref name="captures"/> (for the --to side of a rename).</summary>
    public string Substitute(IReadOnlyList<string> captures)
    {
        var parts = _pattern.Split('*');
        if (parts.Length - 1 != captures.Count)
        {
            throw new MigrationException($"The rename target '{Text}' must have as many '*' as its source pattern.");
        }

        var result = new System.Text.StringBuilder(parts[0]);
        for (var i = 0; i < captures.Count; i++)
        {
            result.Append(captures[i]).Append(parts[i + 1]);
        }

        return result.ToString();
    }

    public override string ToString() => Text;

    private static class Glob
    {
        public static bool Match(string pattern, string text, out IReadOnlyList<string> captures)
        {
            var found = new List<string>();
            var ok = Match(pattern, 0, text, 0, found);
            captures = ok ? found : [];
            return ok;
        }

        private static bool Match(string pattern, int p, string text, int t, List<string> captures)
        {
            while (p < pattern.Length)
            {
                if (pattern[p] == '*')
                {
                    for (var end = text.Length; end >= t; end--)
                    {
                        captures.Add(text[t..end]);
                        if (Match(pattern, p + 1, text, end, captures))
                        {
                            return true;
                        }

                        captures.RemoveAt(captures.Count - 1);
                    }

                    return false;
                }

                if (t >= text.Length || pattern[p] != text[t])
                {
                    return false;
                }

                p++;
                t++;
            }

            return t == text.Length;
        }
    }
}
