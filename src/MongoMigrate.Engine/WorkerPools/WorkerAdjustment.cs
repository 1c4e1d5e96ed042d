namespace MongoMigrate.Engine.WorkerPools;

/// <summary>What a live worker adjustment did to a pool.</summary>
/// <param name="JobId">The pool's job.</param>
/// <param name="Kind">Dump or restore.</param>
/// <param name="PreviousCount">The maximum before.</param>
/// <param name="NewCount">The maximum now.</param>
/// <param name="Spawned">How many times the spawn action was called (once per added worker when the count went up).</param>
public readonly record struct WorkerAdjustment(string JobId, WorkerPoolKind Kind, int PreviousCount, int NewCount, int Spawned)
{
    public bool Changed => PreviousCount != NewCount;

    /// <summary>The job is paused: the count was remembered and applies when it is unpaused.</summary>
    public bool Deferred { get; init; }
}
