namespace MongoMigrate.Engine.Online;

/// <summary>How a sync-back run ended: cut back (the source equals the target), stopped (resumable) or failed, and why.</summary>
public sealed record SyncBackSummary
{
    public const string CutBack = "cut back";
    public const string Stopped = "stopped";
    public const string Failed = "failed";

    public required string JobId { get; init; }

    /// <summary><see cref="CutBack"/>, <see cref="Stopped"/> or <see cref="Failed"/>.</summary>
    public required string Status { get; init; }

    /// <summary>The collections followed back (the job's own, with its renames reversed).</summary>
    public int Collections { get; init; }

    /// <summary>The cutover back, when there was one.</summary>
    public CutoverResult? Cutover { get; init; }

    /// <summary>Why the run stopped or failed, and what to do next.</summary>
    public string? Reason { get; init; }

    public long EventsApplied { get; init; }

    public TimeSpan Elapsed { get; init; }
}
