namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>Every sample of one contender in one scenario, and their medians.</summary>
public sealed record ContenderResult
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required bool Available { get; init; }

    /// <summary>Why it did not run (e.g. the CLI has no dump command yet), or null.</summary>
    public string? NotAvailableReason { get; init; }

    public required IReadOnlyList<ContenderSample> Samples { get; init; }

    public ContenderSummary? Median { get; init; }
}
