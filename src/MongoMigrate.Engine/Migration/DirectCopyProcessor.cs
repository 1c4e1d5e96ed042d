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
public sealed class DirectCopyProcessor
{
    private readonly MigrationContext _context;
    private readonly CollectionJob _job;
    private readonly string _jobId;
    private readonly WorkerPoolManager _readPool;
    private readonly WorkerPoolManager _writePool;

    public DirectCopyProcessor(MigrationContext context, CollectionJob job)
    {
        _context = context;
        _job = job;
        _jobId = context.JobId;
        _readPool = context.DumpPool();
        _writePool = context.RestorePool();
    }

    /// <summary>Copies every chunk not yet restored; returns the chunks that failed for good.</summary>
    public async Task<IReadOnlyList<ChunkFailure>> RunAsync(CancellationToken cancellationToken)
    {
        var pending = _job.Chunks.Where(c => c.Status != ChunkStatus.Restored).ToList();
        var runner = new WorkQueueRunner<Chunk>(
            _readPool,
            ChunkAttempts.QueueOptions(_context, _job),
            (chunk, worker, token) => ChunkAttempts.RunAsync(_context, _job, chunk, worker, () => CopyChunkAsync(chunk, worker, token), token));
        var result = _job.Feed is { } feed
            ? await runner.RunAsync(feed, cancellationToken).ConfigureAwait(false)
            : await runner.RunAsync(pending, cancellationToken).ConfigureAwait(false);
        return await ChunkFailures.RecordAsync(_context, _job, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyChunkAsync(Chunk chunk, WorkerContext reader, CancellationToken cancellationToken)
    {
        await _context.State.RecordAttemptAsync(_jobId, _job.Key, chunk.Index, cancellationToken).ConfigureAwait(false);
        await ChunkCompletion.ClearRangeIfReplacedAsync(_context, _job, chunk, cancellationToken).ConfigureAwait(false);
        var source = new RawCommandRunner(_context.Source.GetDatabase(_job.Source.Namespace.Database));
        var target = new RawCommandRunner(_context.Target.GetDatabase(_job.Target.Database));
        long documents = 0, bytes = 0;
        var digest = new DocumentDigest();
        var stage = new InsertStage(new BatchInserter(target, _job.Target.Collection), _context.InsertionWorkers, new InsertSlots(_writePool, _job.Key, _job.Priority, _ => $"chunk {chunk.Index} {chunk.Description}"), _context.Retry)
        {
            Inserted = _job.CountInserted,
        };

        // A failed read stops the writers, a failed write stops the read; the chunk is then retried whole.
        await stage.RunAsync(
            async (buffer, token) =>
            {
                var chunkReader = new ChunkReader(source, _job.Source.Namespace.Collection, chunk.Filter, naturalOrder: _job.Source.IsCapped);
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

        await ChunkCompletion.CompleteAsync(_context, _job, chunk, documents, bytes, stage.Tally.Total, digest.Value, cancellationToken).ConfigureAwait(false);
        if (chunk.File is { } file)
        {
            // Dumped by an earlier dump-restore run of the job, copied directly now: its file has no use left.
            _context.ChunkFiles.Delete(file);
        }
    }
}
