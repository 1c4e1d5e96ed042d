namespace MongoMigrate.Dashboard.Jobs;

/// <summary>What the host tells the dashboard about a job it runs, beyond the job itself.</summary>
public sealed record LiveJobInfo
{
    /// <summary>migrate, dump, restore or verify.</summary>
    public required string Kind { get; init; }

    /// <summary>The job's state file, for its chunks and errors; null when it keeps none.</summary>
    public string? StatePath { get; init; }

    /// <summary>The source as it may be shown (password masked).</summary>
    public string? Source { get; init; }

    /// <summary>The target as it may be shown (password masked).</summary>
    public string? Target { get; init; }

    public string? Method { get; init; }

    /// <summary>Whether the job compares what it copied: full, none, or null when it does not say.</summary>
    public string? Verification { get; init; }

    /// <summary>How to start a verification of the job from the dashboard; null when the host does not offer it.</summary>
    public VerifierSetup? Verifier { get; init; }
}
