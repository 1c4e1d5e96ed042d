namespace MongoMigrate.Engine.State;

/// <summary>
/// An online job's durable, deduplicated queue of document keys to compare again on both sides (fed by applied
/// changes), and the mismatches its rechecks found. Each call is durable before it returns.
/// </summary>
public interface IRecheckQueueStore
{
    /// <summary>Adds keys; a key already queued keeps its first change and takes the latest one.</summary>
    Task EnqueueRechecksAsync(string jobId, IReadOnlyList<(string Namespace, byte[] Id, ulong ClusterTime)> keys, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> keys whose changes (and last difference) are all applied by <paramref name="appliedTime"/>, oldest first.</summary>
    Task<IReadOnlyList<RecheckEntry>> GetRechecksDueAsync(string jobId, ulong appliedTime, int limit, CancellationToken cancellationToken);

    /// <summary>Removes keys found equal, unless a change came for one since it was read (its LastSeen moved).</summary>
    Task RemoveRechecksAsync(string jobId, IReadOnlyList<RecheckEntry> entries, CancellationToken cancellationToken);

    /// <summary>Marks keys found different at <paramref name="sourceTime"/>: compared again once that is applied.</summary>
    Task MarkRechecksSuspectAsync(string jobId, IReadOnlyList<RecheckEntry> entries, ulong sourceTime, CancellationToken cancellationToken);

    /// <summary>Records mismatches and takes their keys off the queue, in one change.</summary>
    Task RecordRecheckMismatchesAsync(string jobId, IReadOnlyList<RecheckMismatch> mismatches, CancellationToken cancellationToken);

    /// <summary>The oldest change not rechecked yet (at or before <paramref name="upTo"/>), or null when there is none.</summary>
    Task<ulong?> GetOldestRecheckAsync(string jobId, ulong upTo, CancellationToken cancellationToken);

    Task<IReadOnlyList<RecheckMismatch>> GetRecheckMismatchesAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Keys queued now, the oldest change among them (null with none), and mismatches recorded: what `jobs` and a display show.</summary>
    Task<RecheckQueueSize> GetRecheckQueueSizeAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Puts every recorded mismatch back in the queue as changed at <paramref name="clusterTime"/> (a cutover asked again compares them anew), in one change.</summary>
    Task RequeueRecheckMismatchesAsync(string jobId, ulong clusterTime, CancellationToken cancellationToken);
}
