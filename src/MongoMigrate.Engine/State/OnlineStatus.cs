namespace MongoMigrate.Engine.State;

/// <summary>
/// Where an online job stands, as last saved by its running process: the phase (copying, catching up, following,
/// cutting over, cut over) and the change stream's counters and lag at that moment.
/// </summary>
public sealed record OnlineStatus
{
    public required string JobId { get; init; }

    /// <summary>copying, catching up, following, cutting over or cut over.</summary>
    public required string Phase { get; init; }

    public long EventsCaptured { get; init; }

    public long EventsApplied { get; init; }

    public long RecordsPending { get; init; }

    public double EventsPerSecond { get; init; }

    /// <summary>The source's latest cluster time minus that of the last change applied, in seconds; null until both are known.</summary>
    public double? LagSeconds { get; init; }

    /// <summary>The source's latest cluster time seen (BSON timestamp).</summary>
    public ulong SourceTime { get; init; }

    /// <summary>The cluster time up to which every change is durably applied.</summary>
    public ulong AppliedTime { get; init; }

    /// <summary>The cluster time T the job was cut over at, once it is.</summary>
    public ulong? CutoverTime { get; init; }

    /// <summary>
    /// The other side's cluster time read as the cutover began (for the forward following, the target's): where a
    /// sync-back's change stream starts, so that nothing written there after the cutover is missed.
    /// </summary>
    public ulong? TargetTime { get; init; }

    /// <summary>When the status was saved (filled by the store on read).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}
