namespace MongoMigrate.Engine.Namespaces;

/// <summary>Which namespaces a job takes (include and exclude patterns) and where each one goes (renames).</summary>
public sealed class NamespaceSelection
{
    public NamespaceSelection(IReadOnlyList<string> include, IReadOnlyList<string> exclude, IReadOnlyList<(string From, string To)> renames)
    {
        Include = include.Select(p => Parse(p, "--include")).ToList();
        Exclude = exclude.Select(p => Parse(p, "--exclude")).ToList();
        Renames = renames.Select(r => (Parse(r.From, "--from"), ParseTarget(r.To))).ToList();
    }

    public static NamespaceSelection All { get; } = new([], [], []);

    public IReadOnlyList<NamespacePattern> Include { get; }

    public IReadOnlyList<NamespacePattern> Exclude { get; }

    public IReadOnlyList<(NamespacePattern From, NamespacePattern To)> Renames { get; }

    /// <summary>True when the namespace is included (or no include was given) and not excluded.</summary>
    public bool IsSelected(NamespaceName ns) =>
        (Include.Count == 0 || Include.Any(p => p.Matches(ns))) && !Exclude.Any(p => p.Matches(ns));

    /// <summary>
    /// Where a source namespace is written: the first matching rename, else the same name. A rename that makes a
    /// name MongoDB does not allow fails here, before anything is written.
    /// </summary>
    public NamespaceName TargetOf(NamespaceName source)
    {
        foreach (var (from, to) in Renames)
        {
            if (from.TryMatch(source, out var captures))
            {
                var name = to.Substitute(captures);
                var dot = name.IndexOf('.', StringComparison.Ordinal);
                var target = dot < 0 ? new NamespaceName(name, string.Empty) : new NamespaceName(name[..dot], name[(dot + 1)..]);
                if (NamespaceRules.Problem(target) is { } problem)
                {
                    throw new MigrationException($"--from '{from.Text}' --to '{to.Text}' would write {source} to '{name}', but {problem}. Give a --to that makes valid names.");
                }

                return target;
            }
        }

        return source;
    }

    /// <summary>The patterns as given, for the job record.</summary>
    public override string ToString() =>
        string.Join(' ', Include.Select(p => "--include " + p).Concat(Exclude.Select(p => "--exclude " + p)).Concat(Renames.Select(r => $"--from {r.From} --to {r.To}")));

    private static NamespacePattern Parse(string text, string option)
    {
        try
        {
            return NamespacePattern.Parse(text);
        }
        catch (MigrationException e)
        {
            throw new MigrationException($"{option} {e.Message}", e);
        }
    }

    /// <summary>A --to pattern: what its fixed parts make must be a name MongoDB allows.</summary>
    private static NamespacePattern ParseTarget(string text)
    {
        if (!string.IsNullOrWhiteSpace(text) && NamespaceRules.PatternProblem(text) is { } problem)
        {
            throw new MigrationException($"--to '{Connections.SecretRedactor.RedactUri(text)}' cannot name a target: {problem}. Give a --to that makes valid names.");
        }

        return Parse(text, "--to");
    }
}
