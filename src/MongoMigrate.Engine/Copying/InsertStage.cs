using System.Threading.Channels;
using MongoMigrate.Engine.WorkerPools;
using Polly;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// The one way documents reach a target collection, for the direct copy, dump-restore and the restore command alike:
/// batches come in through a bounded buffer, writers insert one batch each at a time with a <see cref="BatchInserter"/>
/// (idempotent, so a transient error retries the batch), and the stage tallies what the inserts did.
/// </summary>
/// <remarks>
/// A restore-pool slot means one thing on every path: one batch being inserted. Each batch takes a slot of
/// <paramref name="slots"/> only while it is inserted (never while a writer waits for data), so however many stages
/// and writers run, a restore pool of N never has more than N inserts in flight.
/// </remarks>
public sealed class InsertStage(BatchInserter inserter, int writers, InsertSlots slots, ResiliencePipeline retry)
{

    /// <summary>Called after each batch is on the target, with what the insert did (collection progress).</summary>
    public Action<InsertBatch, InsertResult>? Inserted { get; init; }

    /// <summary>How many batches are inserted at once (at most).</summary>
    public int Writers { get; } = writers >= 1 ? writers : throw new ArgumentOutOfRangeException(nameof(writers), writers, "An insert stage needs a writer.");

    /// <summary>What the inserts did so far.</summary>
    public InsertTally Tally { get; } = new();

    /// <summary>
    /// Runs <paramref name="produce"/> and the writers joined by a buffer of <see cref="Writers"/> batches: the first
    /// failure on either side stops the other, and is the exception thrown.
    /// </summary>
    public Task RunAsync(Func<ChannelWriter<InsertBatch>, CancellationToken, Task> produce, CancellationToken cancellationToken) =>
        BoundedPipeline.RunAsync(Writers, Writers, produce, WriteAllAsync, cancellationToken);

    private async Task WriteAllAsync(ChannelReader<InsertBatch> batches, CancellationToken cancellationToken)
    {
        await foreach (var batch in batches.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            // The batch's pooled buffer goes back once its documents are on the target (or the insert failed).
            using (batch)
            {
                await InsertInOwnSlotAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task InsertInOwnSlotAsync(InsertBatch batch, CancellationToken cancellationToken)
    {
        using var slot = await slots.Pool.AcquireAsync(slots.Priority, cancellationToken).ConfigureAwait(false);
        var workerId = slots.Pool.NextWorkerId();
        var worker = slots.Pool.RegisterWorker(slots.CollectionKey, workerId, slots.Describe(batch), cancellationToken);
        var outcome = WorkerOutcome.Failed;
        try
        {
            await InsertAsync(batch, worker, worker.CancellationToken).ConfigureAwait(false);
            outcome = WorkerOutcome.Succeeded;
        }
        finally
        {
            slots.Pool.MarkWorkerCompleted(workerId, outcome);
        }
    }

    private async Task InsertAsync(InsertBatch batch, WorkerContext worker, CancellationToken cancellationToken)
    {
        var result = await retry.ExecuteAsync(async token => await inserter.InsertAsync(batch.Documents, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        Tally.Add(batch.Count, batch.Bytes, result);
        Inserted?.Invoke(batch, result);
        worker.ReportProgress(batch.Count, batch.Bytes);
    }
}
