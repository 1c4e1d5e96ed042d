using Microsoft.Extensions.Logging;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Worker count arithmetic and the live adjust flow shared by dump and restore pools (pure functions, no state).</summary>
public static class WorkerCountHelper
{
    /// <summary>Checks a requested count: it must be between 0 (pause) and <paramref name="maxWorkers"/>.</summary>
    public static WorkerCountValidation ValidateWorkerCount(int currentCount, int newCount, int maxWorkers)
    {
        string? error = null;
        if (maxWorkers < 0)
        {
            error = $"The worker limit must not be negative (it is {maxWorkers}).";
        }
        else if (newCount < 0)
        {
            error = $"The worker count must be 0 (pause) or more, not {newCount}.";
        }
        else if (newCount > maxWorkers)
        {
            error = $"The worker count must be at most {maxWorkers}, not {newCount}.";
        }

        return new WorkerCountValidation(error is null, currentCount, newCount, maxWorkers, error);
    }

    /// <summary>How many workers are worth running for <paramref name="chunkCount"/> chunks: never more than there are chunks, nor than the maximum.</summary>
    public static int CalculateOptimalConcurrency(int chunkCount, int maxWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunkCount);
        ArgumentOutOfRangeException.ThrowIfNegative(maxWorkers);
        return Math.Min(chunkCount, maxWorkers);
    }

    /// <summary>Sets a dump pool's maximum live; see <see cref="AdjustWorkers"/>.</summary>
    public static WorkerAdjustment AdjustDumpWorkers(WorkerPoolManager pool, int newCount, Action<string>? spawnAction = null, ILogger? logger = null) =>
        AdjustWorkers(pool, WorkerPoolKind.Dump, newCount, spawnAction, logger);

    /// <summary>Sets a restore pool's maximum live; see <see cref="AdjustWorkers"/>.</summary>
    public static WorkerAdjustment AdjustRestoreWorkers(WorkerPoolManager pool, int newCount, Action<string>? spawnAction = null, ILogger? logger = null) =>
        AdjustWorkers(pool, WorkerPoolKind.Restore, newCount, spawnAction, logger);

    /// <summary>
    /// Validates <paramref name="newCount"/> against the pool's limit and makes it the pool's maximum. Raising it
    /// starts waiting work at once; lowering it lets running workers finish while new work waits; 0 pauses.
    /// When the count went up, <paramref name="spawnAction"/> is called once per added worker with a fresh
    /// worker id, after the pool was resized and outside every lock: for callers that run one long-lived
    /// worker per slot, which register themselves with that id when they start. Work queues need none.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or above the pool's limit.</exception>
    /// <exception cref="ArgumentException">The pool is not of the expected kind.</exception>
    public static WorkerAdjustment AdjustWorkers(WorkerPoolManager pool, WorkerPoolKind kind, int newCount, Action<string>? spawnAction, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.Kind != kind)
        {
            throw new ArgumentException($"Expected a {kind} pool, got the {pool.Kind} pool of job '{pool.JobId}'.", nameof(pool));
        }

        var validation = ValidateWorkerCount(pool.MaxWorkers, newCount, pool.WorkerCountLimit);
        if (!validation.IsValid)
        {
            throw new ArgumentOutOfRangeException(nameof(newCount), newCount, validation.Error);
        }

        var previous = pool.SetMaxWorkers(newCount);
        logger?.LogInformation(
            "Workers of the {Pool} pool of job {JobId} adjusted from {Previous} to {New}.", pool.KindName, pool.JobId, previous, newCount);
        var spawned = 0;
        if (spawnAction is not null)
        {
            for (var i = previous; i < newCount; i++)
            {
                spawnAction(pool.NextWorkerId());
                spawned++;
            }
        }

        return new WorkerAdjustment(pool.JobId, kind, previous, newCount, spawned);
    }
}
