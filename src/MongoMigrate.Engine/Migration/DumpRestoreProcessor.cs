using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// Copies one collection through files, as the seed design describes: dump workers from the job's shared
/// dump pool read chunks as raw BSON into the work folder; as soon as a chunk's dump is done, one of the job's
/// chunk file readers (<see cref="MigrationContext.ChunkFileReaders"/>) feeds its file to an <see cref="InsertStage"/>
/// whose batches each take a slot of the job's shared restore pool while they are inserted, as in the direct
/// method, then deletes the file. Resumes from the job state: restored chunks are skipped, dumped chunks whose
/// file still checks out are restored, the rest redone.
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
        _dumpPool = context.DumpPool();
        _restorePool = context.RestorePool();
    }

    /// <summary>Copies every chunk not yet restored; returns the chunks that failed for good.</summary>
    public async Task<IReadOnlyList<ChunkFailure>> RunAsync(CancellationToken cancellationToken)
    {
        var restoreQueue = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        var toDump = new List<Chunk>();
        foreach (var chunk in _job.Feed is null ? _job.Chunks : [])
        {
            switch (chunk.Status)
            {
                case ChunkStatus.Restored:
                    continue;
                case ChunkStatus.Dumped when chunk.File is { } file && File.Exists(_context.ChunkFiles.FullPath(file)):
                    // Its file counts against the budget until restored; its content is checked before the restore.
                    _context.DiskBudget.Adjust(new FileInfo(_context.ChunkFiles.FullPath(file)).Length);
                    restoreQueue.Writer.TryWrite(chunk);
                    break;
                case ChunkStatus.Dumped:
                    // Forget the lost file before a new dump writes the same name, so the state never vouches for a file it did not check.
                    await _context.State.ResetChunkAsync(_jobId, _job.Key, chunk.Index, "its file was missing when the job resumed", cancellationToken).ConfigureAwait(false);
                    toDump.Add(chunk with { Status = ChunkStatus.Planned, File = null, Checksum = null });
                    break;
                default:
                    toDump.Add(chunk);
                    break;
            }
        }

        var dumping = ParallelDumpChunksAsync(_job.Feed?.ReadAllAsync(cancellationToken) ?? toDump.ToAsyncEnumerable(), restoreQueue.Writer, cancellationToken);
        var restoring = ParallelRestoreChunksAsync(restoreQueue.Reader, cancellationToken);
        var results = await Task.WhenAll(dumping, restoring).ConfigureAwait(false);
        return [.. results[0], .. results[1]];
    }

    /// <summary>
    /// Dumps chunks as disk budget and dump slots allow. The budget is reserved before a chunk queues for
    /// a slot, never while holding one: a dump that waits for disk room must not keep a worker slot from
    /// the restores that free it.
    /// </summary>
    private async Task<IReadOnlyList<ChunkFailure>> ParallelDumpChunksAsync(IAsyncEnumerable<Chunk> chunks, ChannelWriter<Chunk> restoreQueue, CancellationToken cancellationToken)
    {
        var reserved = new ConcurrentDictionary<int, long>();
        var budgeted = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(1) { SingleWriter = true });
        using var stopFeeding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var feeder = FeedWithBudgetAsync(chunks, budgeted.Writer, reserved, stopFeeding.Token);
        try
        {
            var runner = new WorkQueueRunner<Chunk>(_dumpPool, QueueOptions(), (chunk, worker, token) => ChunkAttempts.RunAsync(
                _context,
                _job,
                chunk,
                worker,
                async () =>
                {
                    Chunk? dumped;
                    try
                    {
                        dumped = await DumpChunkAsync(chunk, worker, reserved, token).ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // A failed attempt gives its room back at once: held until the end, it could starve the
                        // chunks still waiting for budget. A retry reserves again.
                        if (reserved.TryRemove(chunk.Index, out var bytes))
                        {
                            _context.DiskBudget.Release(bytes);
                        }

                        throw;
                    }

                    if (dumped is not null)
                    {
                        await restoreQueue.WriteAsync(dumped, token).ConfigureAwait(false);
                    }
                },
                token));
            var result = await runner.RunAsync(budgeted.Reader, cancellationToken).ConfigureAwait(false);
            return await ChunkFailures.RecordAsync(_context, _job, result, cancellationToken).ConfigureAwait(false);
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

    private async Task FeedWithBudgetAsync(IAsyncEnumerable<Chunk> chunks, ChannelWriter<Chunk> output, ConcurrentDictionary<int, long> reserved, CancellationToken cancellationToken)
    {
        try
        {
            var estimate = EstimatedChunkBytes();
            await foreach (var chunk in chunks.ConfigureAwait(false))
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

    private async Task<IReadOnlyList<ChunkFailure>> ParallelRestoreChunksAsync(ChannelReader<Chunk> chunks, CancellationToken cancellationToken)
    {
        var runner = new WorkQueueRunner<Chunk>(_context.ChunkFileReaders, QueueOptions(), (chunk, worker, token) =>
            ChunkAttempts.RunAsync(_context, _job, chunk, worker, () => RestoreChunkAsync(chunk, worker, token), token));
        var result = await runner.RunAsync(chunks, cancellationToken).ConfigureAwait(false);
        return await ChunkFailures.RecordAsync(_context, _job, result, cancellationToken).ConfigureAwait(false);
    }

    private WorkQueueOptions<Chunk> QueueOptions() => ChunkAttempts.QueueOptions(_context, _job);

    /// <summary>
    /// Reads a chunk from the source into its file; records it as dumped with count and checksum. Null when
    /// the chunk turned out to be restored already. Its disk budget is the one reserved for it in
    /// <paramref name="reservations"/> (reserved here when missing); once dumped, the reservation becomes the
    /// file's size, which the restore releases.
    /// </summary>
    private async Task<Chunk?> DumpChunkAsync(Chunk chunk, WorkerContext worker, ConcurrentDictionary<int, long> reservations, CancellationToken cancellationToken)
    {
        var estimate = EstimatedChunkBytes();
        var available = _context.ChunkFiles.AvailableBytes();
        if (available < estimate)
        {
            throw new MigrationException(
                $"The disk of the work folder {_context.ChunkFiles.JobDirectory} has {Megabytes(available)} free but chunk {chunk.Index} of {_job.Key} needs about {Megabytes(estimate)}. Free some space, lower --disk-budget or point --work-dir at a larger disk, then resume.");
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
        try
        {
            var writer = _context.ChunkFiles.CreateWriter(relative, _context.Options.Gzip);
            await using (writer.ConfigureAwait(false))
            {
                var source = new RawCommandRunner(_context.Source.GetDatabase(_job.Source.Namespace.Database));
                var reader = new ChunkReader(source, _job.Source.Namespace.Collection, chunk.Filter, naturalOrder: _job.Source.IsCapped);
                await foreach (var batch in reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    // The writer has copied every document (or written it out) when WriteAsync returns.
                    using var owned = batch;
                    foreach (var document in batch)
                    {
                        crc.Append(document.Span);
                        await writer.WriteAsync(document.Bytes, cancellationToken).ConfigureAwait(false);
                    }

                    documents += batch.Count;
                    bytes += batch.Bytes;
                    worker.ReportProgress(batch.Count, batch.Bytes);
                }

                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException e) when (TransientErrors.IsDiskFull(e))
        {
            // The writer deleted its partial file; the chunk stays as it was in the state.
            throw new MigrationException(
                $"The disk of the work folder {_context.ChunkFiles.JobDirectory} is full: chunk {chunk.Index} of {_job.Key} could not be dumped ({e.Message}). Free some space or lower --disk-budget, then resume.",
                e);
        }

        var onDisk = new FileInfo(path).Length;
        if (!await _context.State.MarkChunkDumpedAsync(_jobId, _job.Key, chunk.Index, documents, bytes, relative, crc.Value, cancellationToken).ConfigureAwait(false))
        {
            // Another attempt (one declared stuck, then finished after all) restored it meanwhile.
            _context.ChunkFiles.Delete(relative);
            if (reservations.TryRemove(chunk.Index, out var unused))
            {
                _context.DiskBudget.Release(unused);
            }

            return null;
        }

        _job.Progress.ChunkDumped();

        // From here the restore owns the file's bytes in the budget; the reservation becomes the file's size.
        _context.DiskBudget.Adjust(onDisk - (reservations.TryRemove(chunk.Index, out var reserved) ? reserved : 0));
        return chunk with { Status = ChunkStatus.Dumped, File = relative, Checksum = crc.Value, Documents = documents, Bytes = bytes };
    }

    /// <summary>Checks a chunk's file, inserts its documents with the chunk's insertion workers (a restore slot per batch), proves the count, deletes the file.</summary>
    private async Task RestoreChunkAsync(Chunk chunk, WorkerContext worker, CancellationToken cancellationToken)
    {
        var path = _context.ChunkFiles.FullPath(chunk.File!);
        var fileBytes = File.Exists(path) ? new FileInfo(path).Length : 0;
        try
        {
            await VerifyFileAsync(_job.Key, chunk, path, cancellationToken).ConfigureAwait(false);
        }
        catch (DamagedChunkFileException e)
        {
            // Dump it again in place: holding the reader a little longer is better than losing the chunk.
            _context.Logger.LogWarning("{Reason}; dumping the chunk again", e.Message);
            await _context.State.ResetChunkAsync(_jobId, _job.Key, chunk.Index, e.Message, cancellationToken).ConfigureAwait(false);
            _context.DiskBudget.Release(fileBytes);
            var reservation = new ConcurrentDictionary<int, long>();
            Chunk? dumped;
            try
            {
                dumped = await DumpChunkAsync(chunk with { Status = ChunkStatus.Planned }, worker, reservation, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var leftover in reservation.Values)
                {
                    _context.DiskBudget.Release(leftover);
                }
            }

            if (dumped is null)
            {
                return;
            }

            chunk = dumped;
            path = _context.ChunkFiles.FullPath(chunk.File!);
            fileBytes = new FileInfo(path).Length;
        }

        await _context.State.RecordAttemptAsync(_jobId, _job.Key, chunk.Index, cancellationToken).ConfigureAwait(false);
        await ChunkCompletion.ClearRangeIfReplacedAsync(_context, _job, chunk, cancellationToken).ConfigureAwait(false);
        var digest = new DocumentDigest();
        var target = new RawCommandRunner(_context.Target.GetDatabase(_job.Target.Database));
        var stage = new InsertStage(new BatchInserter(target, _job.Target.Collection), _context.InsertionWorkers, new InsertSlots(_restorePool, _job.Key, _job.Priority, _ => $"chunk {chunk.Index} {chunk.Description}"), _context.Retry)
        {
            Inserted = _job.CountInserted,
        };
        await stage.RunAsync(
            async (batches, token) =>
            {
                var reader = BsonStreamReader.OpenFile(path);
                await using (reader.ConfigureAwait(false))
                {
                    var batch = new DocumentBatch(1024 * 1024);
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        if (batch.Count >= BatchInserter.MaxDocumentsPerBatch || (batch.Count > 0 && batch.Length + reader.Current.Length > BatchInserter.MaxBytesPerBatch))
                        {
                            worker.ReportProgress(batch.Count, batch.Length);
                            await batches.WriteAsync(InsertBatch.Of(batch), token).ConfigureAwait(false);
                            batch = new DocumentBatch(1024 * 1024);
                        }

                        batch.Add(reader.Current.Span);
                        digest.Add(reader.Current.Span);
                    }

                    worker.ReportProgress(batch.Count, batch.Length);
                    if (batch.Count > 0)
                    {
                        await batches.WriteAsync(InsertBatch.Of(batch), token).ConfigureAwait(false);
                    }
                    else
                    {
                        batch.Dispose();
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);

        await ChunkCompletion.CompleteAsync(_context, _job, chunk, chunk.Documents, chunk.Bytes, stage.Tally.Total, digest.Value, cancellationToken).ConfigureAwait(false);
        _context.ChunkFiles.Delete(chunk.File!);
        _context.DiskBudget.Release(fileBytes);
    }

    /// <summary>The file must hold exactly the documents recorded at dump time: same count, same CRC-64.</summary>
    private static async Task VerifyFileAsync(string key, Chunk chunk, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new DamagedChunkFileException($"The file of chunk {chunk.Index} of {key} is missing ({path})");
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
            throw new DamagedChunkFileException($"The file of chunk {chunk.Index} of {key} is damaged: {e.Message}", e);
        }

        if (documents != chunk.Documents || crc.Value != chunk.Checksum)
        {
            throw new DamagedChunkFileException(
                $"The file of chunk {chunk.Index} of {key} does not match its record ({documents} documents, CRC {crc.Value:X16}; expected {chunk.Documents}, {chunk.Checksum:X16})");
        }
    }

    private static string Megabytes(long bytes) => $"{Math.Max(0, bytes) / (1024 * 1024)} MB";
}
