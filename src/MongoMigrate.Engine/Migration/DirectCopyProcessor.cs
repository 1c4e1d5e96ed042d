using System.Threading.Channels;
using MongoMigrate.Bson;
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
        _readPool = context.Coordinator.GetOrCreateDumpPool(_jobId, context.Options.DumpWorkers);
        _writePool = context.Coordinator.GetOrCreateRestorePool(_jobId, context.Options.RestoreWorkers);
    }

    /// <summary>Copies every chunk not yet restored; returns the chunks that failed for good.</summary>
    public async Task<IReadOnlyList<ChunkFailure>> RunAsync(CancellationToken cancellationToken)
    {
        var pending = _job.Chunks.Where(c => c.Status != ChunkStatus.Restored).ToList();
        var runner = new WorkQueueRunner<ChunkRecord>(
            _readPool,
            new WorkQueueOptions<ChunkRecord>
            {
                CollectionKey = _job.Key,
                Priority = _job.Priority,
                MaxAttempts = _context.Options.MaxChunkAttempts,
                IsRetryable = ChunkCompletion.IsRetryable,
                DescribeItem = chunk => $"chunk {chunk.Index} {chunk.Description}",
                FailureMode = WorkQueueFailureMode.ContinueOnFailure,
            },
            (chunk, worker, token) => ChunkAttempts.RunAsync(_context, _job, chunk, worker, () => CopyChunkAsync(chunk, worker, token), token));
        var result = await runner.RunAsync(pending, cancellationToken).ConfigureAwait(false);
        return await ChunkFailures.RecordAsync(_context, _job, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task CopyChunkAsync(ChunkRecord chunk, WorkerContext reader, CancellationToken cancellationToken)
    {
        await _context.State.RecordAttemptAsync(_jobId, _job.Key, chunk.Index, cancellationToken).ConfigureAwait(false);
        await ChunkCompletion.ClearRangeIfReplacedAsync(_context, _job, chunk, cancellationToken).ConfigureAwait(false);
        var source = new RawCommandRunner(_context.Source.GetDatabase(_job.Source.Namespace.Database));
        var target = new RawCommandRunner(_context.Target.GetDatabase(_job.Target.Database));
        var inserter = new BatchInserter(target, _job.Target.Collection);
        long documents = 0, bytes = 0;
        var digest = new DocumentDigest();
        var inserted = new InsertTally();

        // A failed read stops the writers, a failed write stops the read; the chunk is then retried whole.
        await BoundedPipeline.RunAsync<RawBatch>(
            _context.Options.InsertionWorkers,
            _context.Options.InsertionWorkers,
            async (buffer, token) =>
            {
                var chunkReader = new ChunkReader(source, _job.Source.Namespace.Collection, new RawDocument(chunk.Filter), naturalOrder: _job.Source.IsCapped);
                await foreach (var batch in chunkReader.ReadAsync(token).ConfigureAwait(false))
                {
                    documents += batch.Count;
                    bytes += batch.Bytes;
                    foreach (var document in batch)
                    {
                        digest.Add(document.Span);
                    }

                    reader.ReportProgress(batch.Count, batch.Bytes);
                    await buffer.WriteAsync(batch, token).ConfigureAwait(false);
                }
            },
            (batches, token) => WriteAsync(batches, inserter, chunk, inserted, token),
            cancellationToken).ConfigureAwait(false);

        await ChunkCompletion.CompleteAsync(_context, _job, chunk, documents, bytes, inserted.Total, digest.Value, cancellationToken).ConfigureAwait(false);
        if (chunk.File is { } file)
        {
            // Dumped by an earlier dump-restore run of the job, copied directly now: its file has no use left.
            _context.ChunkFiles.Delete(file);
        }
    }

    private async Task WriteAsync(ChannelReader<RawBatch> batches, BatchInserter inserter, ChunkRecord chunk, InsertTally inserted, CancellationToken cancellationToken)
    {
        await foreach (var batch in batches.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            // The batch's pooled buffer goes back once its documents are on the target (or the chunk failed).
            using var owned = batch;
            using var slot = await _writePool.AcquireAsync(_job.Priority, cancellationToken).ConfigureAwait(false);
            var workerId = _writePool.NextWorkerId();
            var worker = _writePool.RegisterWorker(_job.Key, workerId, $"chunk {chunk.Index} {chunk.Description}", cancellationToken);
            var outcome = WorkerOutcome.Failed;
            try
            {
                var result = await _context.Retry.ExecuteAsync(async token => await inserter.InsertAsync(batch, token).ConfigureAwait(false), worker.CancellationToken).ConfigureAwait(false);
                inserted.Add(result);
                var batchBytes = batch.Bytes;
                var insertedBytes = result.AlreadyPresent == 0 ? batchBytes : batchBytes * result.Inserted / Math.Max(1, batch.Count);
                _job.Progress.AddCopied(result.Inserted, insertedBytes);
                worker.ReportProgress(batch.Count, batchBytes);
                outcome = WorkerOutcome.Succeeded;
            }
            finally
            {
                _writePool.MarkWorkerCompleted(workerId, outcome);
            }
        }
    }
}
