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
/// A restore-pool slot means one thing on every path: up to <see cref="BatchesPerSlot"/> batches of one stage being
/// inserted at once. The writers go in pairs: a pair takes a slot for the batch it has read, takes beside it the next batch
/// if one is already waiting in the buffer, inserts both at once and gives the slot back. A slot is held only while
/// its batches are inserted (never while a writer waits for data, so an interleaved archive cannot deadlock), and each
/// pair asks the pool again (so a pause or a larger collection's turn takes effect at the next pair): a restore pool
/// of N never has more than 2N inserts in flight, nor a stage more than its writers. Why two and not one: see
/// docs/architecture.md (one insert per slot left dump-restore at 0.87 of its speed with twice the slots).
/// </remarks>
public sealed class InsertStage(BatchInserter inserter, int writers, InsertSlots slots, ResiliencePipeline retry)
{
    /// <summary>Batches inserted at once under one restore-pool slot (at most).</summary>
    public const int BatchesPerSlot = 2;

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
    public Task RunAsync(Func<ChannelWriter<InsertBatch>, CancellationToken, Task> produce, CancellationToken cancellationToken)
    {
        // Writers 1..W in pairs: pair k holds writers 2k+1 and 2k+2 (the last alone when W is odd, so one writer stays one batch at a time).
        var pairs = (Writers + BatchesPerSlot - 1) / BatchesPerSlot;
        var started = -1;
        return BoundedPipeline.RunAsync(
            Writers,
            pairs,
            produce,
            (batches, token) => WritePairAsync(batches, Math.Min(BatchesPerSlot, Writers - (BatchesPerSlot * Interlocked.Increment(ref started))), token),
            cancellationToken);
    }

    private async Task WritePairAsync(ChannelReader<InsertBatch> batches, int size, CancellationToken cancellationToken)
    {
        while (await batches.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!batches.TryRead(out var first))
            {
                continue;
            }

            // The batches' pooled buffers go back once their documents are on the target (or the insert failed).
            InsertBatch? second = null;
            try
            {
                using var slot = await slots.Pool.AcquireAsync(slots.Priority, cancellationToken).ConfigureAwait(false);
                if (size > 1 && batches.TryRead(out second))
                {
                    await Task.WhenAll(InsertInSlotAsync(first, cancellationToken), InsertInSlotAsync(second, cancellationToken)).ConfigureAwait(false);
                }
                else
                {
                    await InsertInSlotAsync(first, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                first.Dispose();
                second?.Dispose();
            }
        }
    }

    /// <summary>One batch's insert, tracked as a worker of the pool while it runs, under the slot its pair holds.</summary>
    private async Task InsertInSlotAsync(InsertBatch batch, CancellationToken cancellationToken)
    {
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
