namespace MongoMigrate.Engine.WorkerPools;

/// <summary>How a work queue runs its items through a pool: for which collection, at what priority, with which retry rule.</summary>
public sealed record WorkQueueOptions<TItem>
{
    /// <summary>The collection the items belong to, e.g. <c>db.coll</c>; workers are tracked and measured under it.</summary>
    public required string CollectionKey { get; init; }

    /// <summary>Higher is served first when slots are scarce; the engine passes the collection's size in bytes (largest first).</summary>
    public long Priority { get; init; }

    /// <summary>Runs of one item at most, the first included; a stuck run counts as one.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Whether a failure may be retried; null retries nothing. Stuck workers are always handed back while attempts remain.</summary>
    public Func<Exception, bool>? IsRetryable { get; init; }

    /// <summary>Names an item in the snapshot and in errors (e.g. a chunk's id range); null uses <c>ToString()</c>.</summary>
    public Func<TItem, string?>? DescribeItem { get; init; }

    public WorkQueueFailureMode FailureMode { get; init; } = WorkQueueFailureMode.StopOnFirstFailure;

    /// <summary>
    /// Told at once when the queue gives up on an item (before the run ends), for a queue fed while it runs; called under
    /// the queue's lock, so it only hands the news on.
    /// </summary>
    public Action<TItem, Exception>? GaveUp { get; init; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(CollectionKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
    }
}
