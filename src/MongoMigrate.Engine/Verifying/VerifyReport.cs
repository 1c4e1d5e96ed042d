namespace MongoMigrate.Engine.Verifying;

/// <summary>What `verify` found: per namespace, and whether the target equals the source for all of them.</summary>
public sealed record VerifyReport
{
    public required string JobId { get; init; }

    /// <summary>The source as displayed (without its password).</summary>
    public required string Source { get; init; }

    public required string Target { get; init; }

    /// <summary>When the comparison started and ended: writes outside this time are not covered.</summary>
    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The share of each collection's _id ranges compared (1: all of them).</summary>
    public double SampleFraction { get; init; } = 1;

    public IReadOnlyList<NamespaceReport> Namespaces { get; init; } = [];

    /// <summary>Why the job ended without comparing everything (stopped, or failed before the first collection), or null.</summary>
    public string? Reason { get; init; }

    /// <summary>True when every namespace was compared, whole or as the sample asked, and nothing differs.</summary>
    public bool Equal => Reason is null && Namespaces.Count > 0 && Namespaces.All(n => n.Equal);
}
