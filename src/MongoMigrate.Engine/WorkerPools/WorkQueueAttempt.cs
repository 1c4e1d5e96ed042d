namespace MongoMigrate.Engine.WorkerPools;

/// <summary>One run of one work item; its flags are guarded by its run's gate.</summary>
internal sealed class WorkQueueAttempt<TItem>(WorkQueueRun<TItem> run, TItem item, int number)
{
    /// <summary>The stuck handler the run registers with each worker; static, so registering allocates nothing.</summary>
    public static readonly Action<WorkerContext, object?> OnStuck = static (_, state) =>
    {
        var attempt = (WorkQueueAttempt<TItem>)state!;
        attempt.Run.OnStuck(attempt);
    };

    public WorkQueueRun<TItem> Run { get; } = run;

    public TItem Item { get; } = item;

    /// <summary>1 for the first run of the item.</summary>
    public int Number { get; } = number;

    /// <summary>The attempt's work returned.</summary>
    public bool Finished { get; set; }

    /// <summary>Declared stuck: the item was re-queued (or failed), whatever this run does later.</summary>
    public bool HandedBack { get; set; }

    /// <summary>The slot granted to this attempt, handed from the dispatcher to the thread that runs it.</summary>
    public WorkerSlot Slot { get; set; }

    public WorkQueueAttempt<TItem> Next() => new(Run, Item, Number + 1);
}
