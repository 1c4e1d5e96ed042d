using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// Copies one collection without touching the disk: for each chunk, a reader holding a slot of the job's
/// dump pool feeds source batches into a small bounded buffer, and insertion workers each take a slot of
/// the job's restore pool per batch. Batches are the source's reply bytes, sent on to the target as they are.
/// </summary>
public sealed class DirectCopyProcessor(MigrationContext context, CollectionJob job)
{
    /// <summary>Copies every chunk not yet restored; returns the chunks that failed for good.</summary>
    public async Task<IReadOnlyList<ChunkFailure>> RunAsync(CancellationToken cancellationToken)
    {
        var pending = job.Chunks.Where(c => c.Status != ChunkStatus.Restored).ToList();
        var runner = new WorkQueueRunner<Chunk>(
            context.DumpPool(),
            ChunkAttempts.QueueOptions(context, job),
            (chunk, worker, token) => ChunkAttempts.RunAsync(context, job, chunk, worker, () => CopyChunkAsync(chunk, worker, token), token));
        var result = await runner.RunAsync(pending, cancellationToken).ConfigureAwait(false);
        return await ChunkFailures.RecordAsync(context, job, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyChunkAsync(Chunk chunk, WorkerContext reader, CancellationToken cancellationToken)
    {
        await context.State.RecordAttemptAsync(context.JobId, job.Key, chunk.Index, cancellationToken).ConfigureAwait(false);
        await ChunkCompletion.ClearRangeIfReplacedAsync(context, job, chunk, cancellationToken).ConfigureAwait(false);
        var source = new RawCommandRunner(context.Source.GetDatabase(job.Source.Namespace.Database));
        var target = new RawCommandRunner(context.Target.GetDatabase(job.Target.Database));
        long documents = 0, bytes = 0;
        var digest = new DocumentDigest();
        var stage = new InsertStage(new BatchInserter(target, job.Target.Collection), context.Options.InsertionWorkers, new InsertSlots(context.RestorePool(), job.Key, job.Priority, _ => $"chunk {chunk.Index} {chunk.Description}"), context.Retry)
        {
            Inserted = job.CountInserted,
        };

        // A failed read stops the writers, a failed write stops the read; the chunk is then retried whole.
        await stage.RunAsync(
            async (buffer, token) =>
            {
                var chunkReader = new ChunkReader(source, job.Source.Namespace.Collection, chunk.Filter, naturalOrder: job.Source.IsCapped);
                await foreach (var batch in chunkReader.ReadAsync(token).ConfigureAwait(false))
                {
                    documents += batch.Count;
                    bytes += batch.Bytes;
                    foreach (var document in batch)
                    {
                        digest.Add(document.Span);
                    }

                    reader.ReportProgress(batch.Count, batch.Bytes);
                    await buffer.WriteAsync(InsertBatch.Of(batch), token).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);

        await ChunkCompletion.CompleteAsync(context, job, chunk, documents, bytes, stage.Tally.Total, digest.Value, cancellationToken).ConfigureAwait(false);
        if (chunk.File is { } file)
        {
            // Dumped by an earlier dump-restore run of the job, copied directly now: its file has no use left.
            context.ChunkFiles.Delete(file);
        }
    }
}
