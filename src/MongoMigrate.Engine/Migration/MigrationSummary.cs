using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Migration;

/// <summary>What a run of a job did, for the final report and --json.</summary>
public sealed record MigrationSummary
{
    public required string JobId { get; init; }

    public required JobStatus Status { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required IReadOnlyList<CollectionOutcome> Collections { get; init; }

    public IReadOnlyList<SkippedNamespace> Skipped { get; init; } = [];

    /// <summary>This run carried on a job started earlier.</summary>
    public bool Resumed { get; init; }

    /// <summary>Documents on the target from every run of the job.</summary>
    public long Documents => Collections.Sum(c => c.Documents);

    public long Bytes => Collections.Sum(c => c.Bytes);

    /// <summary>Documents this run restored; rates are measured on these.</summary>
    public long DocumentsThisRun => Collections.Sum(c => c.Documents - c.DocumentsBeforeRun);

    public long BytesThisRun => Collections.Sum(c => c.Bytes - c.BytesBeforeRun);

    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? DocumentsThisRun / Elapsed.TotalSeconds : 0;

    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesThisRun / Elapsed.TotalSeconds : 0;

    /// <summary>When the job had completed, for a run that resumed a completed job; null otherwise.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>For a completed job resumed: whether this run verified it again (false: its proof is the old one). Null otherwise.</summary>
    public bool? VerifiedAgain { get; init; }

    /// <summary>
    /// True when every collection was verified equal on both sides, every document of it (not a sample), and not only
    /// before a completed job was resumed.
    /// </summary>
    public bool Verified => Collections.Count > 0 && VerifiedAgain != false && Collections.All(c => c.Verification?.IsEqual == true && !c.VerifiedSample);

    /// <summary>Some collection was verified by a sample of its chunks only (--verify sample).</summary>
    public bool VerifiedSample => Collections.Any(c => c.VerifiedSample);

    /// <summary>The share of each collection's chunks this run's verification compares (1: all); a resumed job keeps its own.</summary>
    public double VerifySample { get; init; } = 1;

    /// <summary>Chunks compared and chunks in all, over the collections verified.</summary>
    public (int Compared, int Total) VerifiedChunks => (
        Collections.Where(c => c.Verification is not null).Sum(c => c.ChunksVerified),
        Collections.Where(c => c.Verification is not null).Sum(c => c.Chunks));

    /// <summary>For an online job, its cutover (null when it did not get that far).</summary>
    public Online.CutoverResult? Cutover { get; init; }

    /// <summary>An online job's continuous verification when the run ended (pending rechecks, lag, mismatches); null without it.</summary>
    public Verifying.RecheckStatus? Rechecks { get; init; }

    /// <summary>One line for the user when the job did not complete: what failed and how to go on.</summary>
    public string? Reason { get; init; }
}
