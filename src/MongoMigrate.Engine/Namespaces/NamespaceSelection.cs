namespace MongoMigrate.Engine.Namespaces;

/// <summary>Which namespaces a job takes (include and exclude patterns) and where each one goes (renames).</summary>
public sealed class NamespaceSelection
{
    public NamespaceSelection(IReadOnlyList<string> include, IReadOnlyList<string> exclude, IReadOnlyList<(string From, string To)> renames)
    {
        Include = include.Select(NamespacePattern.Parse).ToList();
        Exclude = exclude.Select(NamespacePattern.Parse).ToList();
        Renames = renames.Select(r => (NamespacePattern.Parse(r.From), NamespacePattern.Parse(r.To))).ToList();
    }

    public static NamespaceSelection All { get; } = new([], [], []);

    public IReadOnlyList<NamespacePattern> Include { get; }

    public IReadOnlyList<NamespacePattern> Exclude { get; }

    public IReadOnlyList<(NamespacePattern From, NamespacePattern To)> Renames { get; }

    /// <summary>True when the namespace is included (or no include was given) and not excluded.</summary>
    public bool IsSelected(NamespaceName ns) =>
        (Include.Count == 0 || Include.Any(p => p.Matches(ns))) && !Exclude.Any(p => p.Matches(ns));

    /// <summary>Where a source namespace is written: the first matching rename, else the same name.</summary>
    public NamespaceName TargetOf(NamespaceName source)
    {
        foreach (var (from, to) in Renames)
        {
            if (from.TryMatch(source, out var captures))
            {
                return NamespaceName.Parse(to.Substitute(captures));
            }
        }

        return source;
    }

    /// <summary>The patterns as given, for the job record.</summary>
    public override string ToString() =>
        string.Join(' ', Include.Select(p => "--include " + p).Concat(Exclude.Select(p => "--exclude " + p)).Concat(Renames.Select(r => $"--from {r.From} --to {r.To}")));
}
