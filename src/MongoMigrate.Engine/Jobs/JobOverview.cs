using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Jobs;

/// <summary>
/// A job as `mongomigrate jobs` shows it: where it stands, what is done and left, what failed and how to go on, read
/// from its state file at any time (running, stopped or killed). Not a run's outcome: that is the run's summary
/// (<c>MigrationSummary</c>, or <c>DumpJobSummary</c> with its <see cref="NamespaceResult"/>s).
/// </summary>
public sealed record JobOverview
{
    public required string JobId { get; init; }

    public required string Directory { get; init; }

    /// <summary>The status as stored; a killed job still says Running.</summary>
    public JobStatus Status { get; init; }

    /// <summary>A live process holds the job's lock now.</summary>
    public bool IsRunning { get; init; }

    /// <summary>Who holds the lock, when it is held.</summary>
    public string? RunningIn { get; init; }

    /// <summary>running, interrupted (stored as running but no process holds it: killed), stopped, failed, completed; unreadable when the state cannot be read.</summary>
    public required string State { get; init; }

    public string? Source { get; init; }

    public string? Target { get; init; }

    public string? Method { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Why the job failed or stopped, or why its state cannot be read.</summary>
    public string? Error { get; init; }

    /// <summary>The worker counts it last ran with.</summary>
    public PoolSettings? Workers { get; init; }

    public IReadOnlyList<CollectionOverview> Collections { get; init; } = [];

    /// <summary>The latest failures of chunks and collections, newest first.</summary>
    public IReadOnlyList<ErrorRecord> RecentFailures { get; init; } = [];

    public int ChunksTotal => Collections.Sum(c => c.Chunks);

    public int ChunksRestored => Collections.Sum(c => c.ChunksRestored);

    public int ChunksFailed => Collections.Sum(c => c.ChunksFailed);

    public long Documents => Collections.Sum(c => c.Documents);

    public long EstimatedDocuments => Collections.Sum(c => c.EstimatedDocuments);

    /// <summary>Bytes still to copy, estimated: for every unfinished collection, its size less what is restored.</summary>
    public long BytesLeft => Collections.Where(c => c.Status != CollectionStatus.Completed).Sum(c => Math.Max(0, c.EstimatedBytes - c.Bytes));

    /// <summary>An online job's phase and following, as its process last saved them; null for an offline job.</summary>
    public OnlineStatus? Online { get; init; }

    /// <summary>An online job's continuous verification as its state holds it (lag against the source time last saved); null for other jobs.</summary>
    public Verifying.RecheckStatus? Rechecks { get; init; }

    /// <summary>After a cutover, the sync-back's phase and following (the target's changes applied to the source); null when none ran.</summary>
    public OnlineStatus? SyncBack { get; init; }

    /// <summary>The command that carries the job on; null when it is completed or running.</summary>
    public string? ResumeCommand { get; init; }
}
