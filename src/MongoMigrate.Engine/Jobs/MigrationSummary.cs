using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Jobs;

/// <summary>What a run of a job did, for the final report and --json.</summary>
public sealed record MigrationSummary
{
    public required string JobId { get; init; }

    public required JobStatus Status { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required IReadOnlyList<CollectionOutcome> Collections { get; init; }

    public IReadOnlyList<SkippedNamespace> Skipped { get; init; } = [];

    public long Documents => Collections.Sum(c => c.Documents);

    public long Bytes => Collections.Sum(c => c.Bytes);

    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? Documents / Elapsed.TotalSeconds : 0;

    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / Elapsed.TotalSeconds : 0;

    /// <summary>True when every collection was verified equal on both sides.</summary>
    public bool Verified => Collections.Count > 0 && Collections.All(c => c.Verification?.IsEqual == true);

    /// <summary>One line for the user when the job did not complete: what failed and how to go on.</summary>
    public string? Reason { get; init; }
}
