namespace MongoMigrate.Dashboard.Contracts;

/// <summary>One job: where it stands, its totals, rates, ETA, worker settings and verification.</summary>
public sealed record JobDetail
{
    public required string JobId { get; init; }

    /// <summary>migrate, dump, restore or verify.</summary>
    public required string Kind { get; init; }

    /// <summary>running, paused, stopping, completed, failed, stopped, interrupted (killed), or unreadable.</summary>
    public required string State { get; init; }

    /// <summary>The job's phase as its progress tells it (copying, verifying, done...).</summary>
    public required string Phase { get; init; }

    /// <summary>True while the job runs in this process and takes actions.</summary>
    public bool Steerable { get; init; }

    /// <summary>
    /// Why the job takes no action here and what to do instead (it finished, it is not running and resumes with a
    /// command, or another process runs it); null while it is steerable.
    /// </summary>
    public string? NotSteerable { get; init; }

    /// <summary>The command that carries the job on (its password left for the user to give); null when it is completed or running.</summary>
    public string? ResumeCommand { get; init; }

    /// <summary>When the job was created, for a job read from its state file.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When its state last changed, for a job read from its state file.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The source as stored: its password masked.</summary>
    public string? Source { get; init; }

    /// <summary>The target as stored: its password masked.</summary>
    public string? Target { get; init; }

    public string? Method { get; init; }

    public double ElapsedSeconds { get; init; }

    public long Documents { get; init; }

    public long Bytes { get; init; }

    public long EstimatedDocuments { get; init; }

    public long EstimatedBytes { get; init; }

    public double Percent { get; init; }

    public double DocumentsPerSecond { get; init; }

    public double BytesPerSecond { get; init; }

    /// <summary>Seconds left at the current rate; null when it cannot be told.</summary>
    public double? EtaSeconds { get; init; }

    public required PhaseCounts Collections { get; init; }

    public required ChunkProgress Chunks { get; init; }

    public required WorkerSettings Workers { get; init; }

    public required VerificationStatus Verification { get; init; }

    /// <summary>The last verification started from the dashboard, or null.</summary>
    public VerificationRun? VerificationRun { get; init; }

    /// <summary>An online job's following (phase, events, lag, the last cutover); null for a job that does not follow its source.</summary>
    public OnlineFigures? Online { get; init; }

    /// <summary>Why the job failed or stopped.</summary>
    public string? Error { get; init; }
}

/// <summary>How many collections are in each phase.</summary>
public sealed record PhaseCounts(int Total, int Waiting, int Copying, int Indexing, int Verifying, int Done, int Failed);

/// <summary>Chunks over every collection.</summary>
public sealed record ChunkProgress(int Total, int Dumped, int Restored, int Failed);

/// <summary>The counts the job runs with when not paused, and its steering switches.</summary>
public sealed record WorkerSettings(int Dump, int Restore, int Insertion, bool Paused, bool Adaptive);

/// <summary>The verification of the copy: whether it runs, and how far.</summary>
/// <param name="Mode">full or none (or unknown for a job that does not say).</param>
/// <param name="Verifying">Collections being compared now.</param>
/// <param name="Verified">Collections compared and equal.</param>
/// <param name="Failed">Collections that failed (a difference or another error, in the error log).</param>
public sealed record VerificationStatus(string Mode, int Verifying, int Verified, int Failed);
