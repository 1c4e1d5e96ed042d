namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>How one unified-format test ended.</summary>
public enum SpecificationOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>The result of one (file, test): its outcome, and the failure message or skip reason.</summary>
public sealed record SpecificationResult(string File, string Test, SpecificationOutcome Outcome, string? Detail, TimeSpan Duration)
{
    public override string ToString() => Outcome switch
    {
        SpecificationOutcome.Passed => $"PASS {File}: {Test}",
        SpecificationOutcome.Skipped => $"SKIP {File}: {Test} ({Detail})",
        _ => $"FAIL {File}: {Test}{Environment.NewLine}{Detail}",
    };
}
