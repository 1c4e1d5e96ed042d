using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.Dumps;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.DumpRestore;

/// <summary>
/// Copies one collection through files, as the seed design describes: dump workers from the job's shared
/// dump pool read chunks as raw BSON into the work folder; restore workers from the job's shared restore
/// pool insert each chunk as soon as its dump is done, then delete its file. Resumes from the job state:
/// restored chunks are skipped, dumped chunks whose file still checks out are restored, the rest redone.
/// </summary>
public sealed class DumpRestoreProcessor
{
    private readonly MigrationContext _context;
    private readonly CollectionJob _job;
    private readonly string _jobId;
    private readonly WorkerPoolManager _dumpPool;
    private readonly WorkerPoolManager _restorePool;

    public DumpRestoreProcessor(MigrationContext context, CollectionJob job)
    {
        _context = context;
        _job = job;
        _jobId = context.JobId;
        _dumpPool = context.Coordinator.GetOrCreateDumpPool(_jobId, context.Options.DumpWorkers);
        _restorePool = context.Coordinator.GetOrCreateRestorePool(_jobId, context.Options.RestoreWorkers);
    }

    /// <summary>Copies every chunk not yet restored; returns the chunks that failed for good.</summary>
    public async Task<IReadOnlyList<ChunkFailure>> RunAsync(CancellationToken cancellationToken)
    {
        var restoreQueue = Channel.CreateUnbounded<ChunkRecord>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        var toDump = new List<ChunkRecord>();
        foreach (var chunk in _job.Chunks)
        {
            switch (chunk.Status)
            {
                case ChunkStatus.Restored:
                    continue;
                case ChunkStatus.Dumped when chunk.File is { } file && File.Exists(_context.ChunkFiles.FullPath(file)):
                    _context.DiskBudget.Adjust(new FileInfo(_context.ChunkFiles.FullPath(file)).Length);
                    restoreQueue.Writer.TryWrite(chunk);
                    break;
                default:
                    toDump.Add(chunk);
                    break;
            }
        }

        var dumping = ParallelDumpChunksAsync(toDump, restoreQueue.Writer, cancellationToken);
        var restoring = ParallelRestoreChunksAsync(restoreQueue.Reader, cancellationToken);
        var results = await Task.WhenAll(dumping, restoring).ConfigureAwait(false);
        return [.. results[0], .. results[1]];
    }

    /// <summary>Changes the job's dump workers (shared by all its collections) at once.</summary>
    public WorkerAdjustment AdjustDumpWorkers(int newCount) => _context.Coordinator.AdjustDumpWorkers(_jobId, newCount);

    /// <summary>Changes the job's restore workers (shared by all its collections) at once.</summary>
    public WorkerAdjustment AdjustRestoreWorkers(int newCount) => _context.Coordinator.AdjustRestoreWorkers(_jobId, newCount);

    /// <summary>
    /// Dumps chunks as disk budget and dump slots allow. The budget is reserved before a chunk queues for
    /// a slot, never while holding one: a dump that waits for disk room must not keep a worker slot from
    /// the restores that free it.
    /// </summary>
    private async Task<IReadOnlyList<ChunkFailure>> ParallelDumpChunksAsync(IReadOnlyList<ChunkRecord> chunks, ChannelWriter<ChunkRecord> restoreQueue, CancellationToken cancellationToken)
    {
        var reserved = new ConcurrentDictionary<int, long>();
        var budgeted = Channel.CreateBounded<ChunkRecord>(new BoundedChannelOptions(1) { SingleWriter = true });
        using var stopFeeding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var feeder = FeedWithBudgetAsync(chunks, budgeted.Writer, reserved, stopFeeding.Token);
        try
        {
            var runner = new WorkQueueRunner<ChunkRecord>(_dumpPool, QueueOptions(), async (chunk, worker, token) =>
            {
                var dumped = await DumpChunkAsync(chunk, worker, reserved, token).ConfigureAwait(false);
                await restoreQueue.WriteAsync(dumped, token).ConfigureAwait(false);
            });
            var result = await runner.RunAsync(budgeted.Reader, cancellationToken).ConfigureAwait(false);
            return await RecordFailuresAsync(result, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopFeeding.CancelAsync().ConfigureAwait(false);
            try
            {
                await feeder.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            // Whatever is still reserved belongs to chunks that failed or were abandoned.
            foreach (var bytes in reserved.Values)
            {
                _context.DiskBudget.Release(bytes);
            }

            restoreQueue.TryComplete();
        }
    }

    private async Task FeedWithBudgetAsync(IReadOnlyList<ChunkRecord> chunks, ChannelWriter<ChunkRecord> output, ConcurrentDictionary<int, long> reserved, CancellationToken cancellationToken)
    {
        try
        {
            var estimate = EstimatedChunkBytes();
            foreach (var chunk in chunks)
            {
                await _context.DiskBudget.AcquireAsync(estimate, cancellationToken).ConfigureAwait(false);
                reserved[chunk.Index] = estimate;
                await output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            output.TryComplete();
        }
    }

    private long EstimatedChunkBytes() => Math.Clamp(_job.Source.EstimatedBytes, 1, _context.Options.ChunkSizeBytes);

    private async Task<IReadOnlyList<ChunkFailure>> ParallelRestoreChunksAsync(ChannelReader<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        var runner = new WorkQueueRunner<ChunkRecord>(_restorePool, QueueOptions(), RestoreChunkAsync);
        var result = await runner.RunAsync(chunks, cancellationToken).ConfigureAwait(false);
        return await RecordFailuresAsync(result, cancellationToken).ConfigureAwait(false);
    }

    private WorkQueueOptions<ChunkRecord> QueueOptions() => new()
    {
        CollectionKey = _job.Key,
        Priority = _job.Priority,
        MaxAttempts = _context.Options.MaxChunkAttempts,
        IsRetryable = ChunkCompletion.IsRetryable,
        DescribeItem = chunk => $"chunk {chunk.Index} {chunk.Description}",
        FailureMode = WorkQueueFailureMode.ContinueOnFailure,
    };

    /// <summary>Reads a chunk from the source into its file; records it as dumped with count and checksum.</summary>
    private async Task<ChunkRecord> DumpChunkAsync(ChunkRecord chunk, WorkerContext worker, ConcurrentDictionary<int, long> reservations, CancellationToken cancellationToken)
    {
        var estimate = EstimatedChunkBytes();
        var available = _context.ChunkFiles.AvailableBytes();
        if (available < estimate)
        {
            throw new MigrationException(
                $"The work folder {_context.ChunkFiles.JobDirectory} has {available / (1024 * 1024)} MB free but a chunk of {_job.Key} needs about {estimate / (1024 * 1024)} MB. Free some space or point --work-dir at a larger disk, then resume.");
        }

        if (!reservations.ContainsKey(chunk.Index))
        {
            await _context.DiskBudget.AcquireAsync(estimate, cancellationToken).ConfigureAwait(false);
            reservations[chunk.Index] = estimate;
        }

        await _context.State.RecordAttemptAsync(_jobId, _job.Key, chunk.Index, cancellationToken).ConfigureAwait(false);
        var relative = ChunkFiles.RelativePath(_job.Source.Namespace, chunk.Index, _context.Options.Gzip);
        var path = _context.ChunkFiles.FullPath(relative);
        var crc = new Crc64();
        long documents = 0, bytes = 0;
        var writer = BsonFileWriter.Create(path, _context.Options.Gzip, System.IO.Compression.CompressionLevel.Fastest);
        await using (writer.ConfigureAwait(false))
        {
            var source = new RawCommandRunner(_context.Source.GetDatabase(_job.Source.Namespace.Database));
            var reader = new ChunkReader(source, _job.Source.Namespace.Collection, new RawDocument(chunk.Filter), naturalOrder: _job.Source.IsCapped);
            await foreach (var batch in reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The writer has copied every document (or written it out) when WriteAsync returns.
                using var owned = batch;
                long batchBytes = 0;
                foreach (var document in batch)
                {
                    crc.Append(document.Span);
                    await writer.WriteAsync(document.Bytes, cancellationToken).ConfigureAwait(false);
                    batchBytes += document.Length;
                }

                documents += batch.Count;
                bytes += batchBytes;
                worker.ReportProgress(batch.Count, batchBytes);
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await _context.State.MarkChunkDumpedAsync(_jobId, _job.Key, chunk.Index, documents, bytes, relative, crc.Value, cancellationToken).ConfigureAwait(false);
        _job.Progress.ChunkDumped();

        // From here the restore owns the file's bytes in the budget; the reservation becomes the file's size.
        var onDisk = new FileInfo(path).Length;
        if (reservations.TryRemove(chunk.Index, out var reserved))
        {
            _context.DiskBudget.Adjust(onDisk - reserved);
        }

        return chunk with { Status = ChunkStatus.Dumped, File = relative, Checksum = crc.Value, Documents = documents, Bytes = bytes };
    }

    /// <summary>Checks a chunk's file, inserts its documents with the chunk's insertion workers, proves the count, deletes the file.</summary>
    private async Task RestoreChunkAsync(ChunkRecord chunk, WorkerContext worker, CancellationToken cancellationToken)
    {
        var path = _context.ChunkFiles.FullPath(chunk.File!);
        var fileBytes = File.Exists(path) ? new FileInfo(path).Length : 0;
        try
        {
            await VerifyFileAsync(chunk, path, cancellationToken).ConfigureAwait(false);
        }
        catch (DamagedChunkFileException e)
        {
            // Dump it again in place: holding the restore slot a little longer is better than losing the chunk.
            _context.Logger.LogWarning("{Reason}; dumping the chunk again", e.Message);
            await _context.State.ResetChunkAsync(_jobId, _job.Key, chunk.Index, e.Message, cancellationToken).ConfigureAwait(false);
            _context.DiskBudget.Release(fileBytes);
            var reservation = new ConcurrentDictionary<int, long>();
            try
            {
                chunk = await DumpChunkAsync(chunk with { Status = ChunkStatus.Planned }, worker, reservation, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var leftover in reservation.Values)
                {
                    _context.DiskBudget.Release(leftover);
                }
            }

            path = _context.ChunkFiles.FullPath(chunk.File!);
            fileBytes = new FileInfo(path).Length;
        }

        await _context.State.RecordAttemptAsync(_jobId, _job.Key, chunk.Index, cancellationToken).ConfigureAwait(false);
        var target = new RawCommandRunner(_context.Target.GetDatabase(_job.Target.Database));
        var inserter = new BatchInserter(target, _job.Target.Collection);
        var batches = Channel.CreateBounded<DocumentBatch>(new BoundedChannelOptions(_context.Options.InsertionWorkers * 2) { SingleWriter = true });
        var writers = Enumerable.Range(0, _context.Options.InsertionWorkers)
            .Select(_ => InsertBatchesAsync(batches.Reader, inserter, worker, cancellationToken))
            .ToList();
        try
        {
            var reader = BsonStreamReader.OpenFile(path);
            await using (reader.ConfigureAwait(false))
            {
                var batch = new DocumentBatch(1024 * 1024);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (batch.Count >= BatchInserter.MaxDocumentsPerBatch || (batch.Count > 0 && batch.Length + reader.Current.Length > BatchInserter.MaxBytesPerBatch))
                    {
                        await batches.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                        batch = new DocumentBatch(1024 * 1024);
                    }

                    batch.Add(reader.Current.Span);
                }

                if (batch.Count > 0)
                {
                    await batches.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    batch.Dispose();
                }
            }
        }
        finally
        {
            batches.Writer.TryComplete();
            await Task.WhenAll(writers).ConfigureAwait(false);
        }

        await ChunkCompletion.CompleteAsync(_context, _job, chunk, chunk.Documents, chunk.Bytes, cancellationToken).ConfigureAwait(false);
        _context.ChunkFiles.Delete(chunk.File!);
        _context.DiskBudget.Release(fileBytes);
    }

    private async Task InsertBatchesAsync(ChannelReader<DocumentBatch> batches, BatchInserter inserter, WorkerContext worker, CancellationToken cancellationToken)
    {
        await foreach (var batch in batches.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            using (batch)
            {
                var documents = new List<RawDocument>(batch.Count);
                foreach (var document in batch)
                {
                    documents.Add(new RawDocument(document));
                }

                var result = await _context.Retry.ExecuteAsync(async token => await inserter.InsertAsync(documents, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                var insertedBytes = result.AlreadyPresent == 0 ? batch.Length : batch.Length * result.Inserted / Math.Max(1, batch.Count);
                _job.Progress.AddCopied(result.Inserted, insertedBytes);
                worker.ReportProgress(batch.Count, batch.Length);
            }
        }
    }

    /// <summary>The file must hold exactly the documents recorded at dump time: same count, same CRC-64.</summary>
    private static async Task VerifyFileAsync(ChunkRecord chunk, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new DamagedChunkFileException($"The file of chunk {chunk.Index} of {chunk.SourceNamespace} is missing ({path})");
        }

        var crc = new Crc64();
        long documents = 0;
        try
        {
            var reader = BsonStreamReader.OpenFile(path);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    crc.Append(reader.Current.Span);
                    documents++;
                }
            }
        }
        catch (Exception e) when (e is DumpFormatException or BsonFormatException or InvalidDataException or EndOfStreamException)
        {
            throw new DamagedChunkFileException($"The file of chunk {chunk.Index} of {chunk.SourceNamespace} is damaged: {e.Message}", e);
        }

        if (documents != chunk.Documents || crc.Value != chunk.Checksum)
        {
            throw new DamagedChunkFileException(
                $"The file of chunk {chunk.Index} of {chunk.SourceNamespace} does not match its record ({documents} documents, CRC {crc.Value:X16}; expected {chunk.Documents}, {chunk.Checksum:X16})");
        }
    }

    private async Task<IReadOnlyList<ChunkFailure>> RecordFailuresAsync(WorkQueueResult<ChunkRecord> result, CancellationToken cancellationToken)
    {
        var failures = new List<ChunkFailure>();
        foreach (var failure in result.Failures)
        {
            var reason = Connections.SecretRedactor.Redact(failure.Exception.Message);
            failures.Add(new ChunkFailure(failure.Item.Index, failure.Item.Description, failure.Attempts, reason, failure.Exception));
            _job.Progress.ChunkFailed();
            await _context.State.MarkChunkFailedAsync(_jobId, _job.Key, failure.Item.Index, reason, cancellationToken).ConfigureAwait(false);
        }

        return failures;
    }
}
