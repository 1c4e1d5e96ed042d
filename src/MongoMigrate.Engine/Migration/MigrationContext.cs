using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;
using Polly;

namespace MongoMigrate.Engine.Migration;

/// <summary>What every collection processor of one job shares: clients, pools, state, progress, budget, clock.</summary>
public sealed class MigrationContext
{
    public required string JobId { get; init; }

    public required MigrationOptions Options { get; init; }

    public required IMongoClient Source { get; init; }

    public required IMongoClient Target { get; init; }

    /// <summary>The process-wide coordinator: the job's pools come from it, shared by all its collections.</summary>
    public required WorkerPoolCoordinator Coordinator { get; init; }

    public required IJobStateStore State { get; init; }

    public required JobProgress Progress { get; init; }

    public required DiskBudget DiskBudget { get; init; }

    public required ChunkFiles ChunkFiles { get; init; }

    /// <summary>
    /// How many dumped chunk files a dump-restore job reads at once, across its collections: as many as the restore
    /// pool's workers, whatever they are changed to (0 while paused). A reader holds no restore slot: each batch it
    /// reads takes one while it is inserted.
    /// </summary>
    public required WorkerPoolManager ChunkFileReaders { get; init; }

    /// <summary>Retries for idempotent server operations.</summary>
    public required ResiliencePipeline Retry { get; init; }

    public required ILogger Logger { get; init; }

    public required TimeProvider TimeProvider { get; init; }

    /// <summary>
    /// Told when a collection's copy is done (with true when this run copied it, false when an earlier run did): an
    /// online job applies its changes from then on.
    /// </summary>
    public Func<Namespaces.NamespaceName, bool, CancellationToken, Task>? CollectionCopied { get; init; }

    /// <summary>The job's live steering; its insertion workers apply to the chunks that start after a change.</summary>
    public JobSteering? Steering { get; init; }

    /// <summary>Parallel inserts for a chunk starting now: the live count when steered, else the option.</summary>
    public int InsertionWorkers => Steering?.Settings.InsertionWorkers ?? Options.InsertionWorkers;

    /// <summary>The job's dump pool (a direct copy reads its chunks in it), shared by all its collections.</summary>
    public WorkerPoolManager DumpPool() => Coordinator.GetOrCreateDumpPool(JobId, Options.DumpWorkers);

    /// <summary>The job's restore pool, shared by all its collections.</summary>
    public WorkerPoolManager RestorePool() => Coordinator.GetOrCreateRestorePool(JobId, Options.RestoreWorkers);

    /// <summary>Adds an error to the job's history; a history that cannot be written never fails the work (it is logged).</summary>
    public async Task RecordErrorAsync(ErrorRecord error)
    {
        try
        {
            await State.RecordErrorAsync(JobId, error, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Logger.LogWarning("Could not record an error in the job state: {Reason}", e.Message);
        }
    }
}
