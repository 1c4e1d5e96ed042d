using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Restoring;

/// <summary>
/// Restores one collection or view of a dump: drops it first with --drop (or when <paramref name="replace"/>: an
/// earlier run of the job wrote it from a damaged dump into a collection it created), creates it with the dump's options
/// (so capped, validator and collation apply), inserts its documents through the job's restore pool, then builds its
/// indexes, unique ones first.
/// </summary>
/// <remarks>
/// Each insert batch takes a restore-pool slot only while it is being inserted, never while it waits for data.
/// That keeps an archive restore from deadlocking however many namespaces the archive interleaves: a consumer
/// that waits for a slot always gets one from an insert that finishes without needing the archive to move on.
/// </remarks>
internal sealed class NamespaceRestorer(
    IMongoClient target,
    WorkerPoolManager pool,
    RestoreJobOptions options,
    RestoreItem item,
    CollectionProgress progress,
    ILogger logger,
    bool replace = false)
{
    private readonly List<string> _notes = [];
    private Guid? _createdTargetUuid;
    private bool _readFailed;

    /// <summary>Restores a collection from its batches; returns the outcome (failures included, never thrown unless cancelled).</summary>
    /// <param name="data">The collection's documents; completes after the last, or with the read error.</param>
    /// <param name="crc">The CRC-64 of what was read, asked once the data is complete.</param>
    /// <param name="cancellationToken">Stops the restore.</param>
    public async Task<NamespaceResult> RunAsync(ChannelReader<DocumentBatch> data, Func<ulong?> crc, CancellationToken cancellationToken)
    {
        var counts = new InsertCounts();
        try
        {
            progress.SetPhase(CollectionPhase.Planning);
            var metadata = item.Metadata ?? CollectionMetadata.Empty;
            var collection = new SourceCollection
            {
                Namespace = item.Source,
                Options = RestoreMetadata.PrepareOptions(metadata.Options, _notes),
                Indexes = RestoreMetadata.PrepareIndexes(metadata.Indexes, _notes),
            };
            var preparation = new TargetPreparation(target, logger);
            await CreateAsync(preparation, collection, cancellationToken).ConfigureAwait(false);

            progress.SetPhase(CollectionPhase.Copying);
            await InsertAsync(data, counts, cancellationToken).ConfigureAwait(false);

            progress.SetPhase(CollectionPhase.Indexing);
            var (unique, other) = await preparation.BuildAllIndexesAsync(collection, item.Target, cancellationToken).ConfigureAwait(false);
            if (unique.Count > 0)
            {
                // The target would lack a constraint the source had: the data is in, but this is not a success.
                return Result(CollectionStatus.Failed, counts, crc(), [.. unique, .. other], $"the data is in, but {unique.Count} unique index(es) could not be built: {unique[0]}");
            }

            progress.SetPhase(CollectionPhase.Done);
            return Result(CollectionStatus.Completed, counts, crc(), other, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var error = JobErrors.Describe(e);
            var written = counts.Documents - counts.AlreadyPresent;
            if (_readFailed && written > 0)
            {
                // Its documents went in batch by batch; the damage showed only after (a checksum is checked at the end).
                error += $": {written:N0} document(s) were written from this namespace ({written - counts.Replaced:N0} inserted, {counts.Replaced:N0} replaced) "
                    + "before the dump failed; no valid checksum covers them and they may be damaged. Restore it again from a good dump: documents that differ are replaced";
            }

            logger.LogError(e, "Restoring {Namespace} failed: {Reason}", item.Target, error);
            progress.SetPhase(CollectionPhase.Failed);
            return Result(CollectionStatus.Failed, counts, null, [], error) with { WrittenFromDamagedPart = _readFailed && written > 0 };
        }
    }

    /// <summary>Recreates a view from its definition (viewOn, pipeline, collation).</summary>
    public async Task<NamespaceResult> RunViewAsync(CancellationToken cancellationToken)
    {
        try
        {
            var collection = new SourceCollection { Namespace = item.Source, Options = item.Metadata?.Options ?? RawDocument.Empty, Indexes = [] };
            await CreateAsync(new TargetPreparation(target, logger), collection, cancellationToken).ConfigureAwait(false);
            progress.SetPhase(CollectionPhase.Done);
            return Result(CollectionStatus.Completed, new InsertCounts(), null, [], null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var error = JobErrors.Describe(e);
            logger.LogError(e, "Restoring the view {Namespace} failed: {Reason}", item.Target, error);
            progress.SetPhase(CollectionPhase.Failed);
            return Result(CollectionStatus.Failed, new InsertCounts(), null, [], error);
        }
    }

    private async Task CreateAsync(TargetPreparation preparation, SourceCollection collection, CancellationToken cancellationToken)
    {
        if (options.Drop || replace)
        {
            await preparation.DropAsync(item.Target, cancellationToken).ConfigureAwait(false);
        }

        // Asked first: servers since 7.0 answer a create of an existing collection with the same options with ok.
        var existed = !options.Drop && !replace && await preparation.ExistsAsync(item.Target, cancellationToken).ConfigureAwait(false);
        try
        {
            await preparation.CreateWithOptionsAsync(collection, item.Target, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e)
        {
            var what = item.IsView ? "view" : "collection";
            throw new MigrationException(
                $"The target refused to create the {what} {item.Target} with the dump's options {BsonDebugText.Format(collection.Options.AsValue())}: {e.CodeName} ({e.Code}): {FirstLine(e.ErrorMessage)}",
                e);
        }

        if (existed)
        {
            _notes.Add(item.IsView
                ? "the view already existed and was kept as it is"
                : "the collection already existed: documents whose _id it holds with the same bytes were counted as already present, those with other bytes replaced");
        }
        else if (!item.IsView)
        {
            _createdTargetUuid = (await CollectionUuids.ReadAsync(target, item.Target, cancellationToken).ConfigureAwait(false)).Uuid;
        }

        if (replace)
        {
            _notes.Add("replaced whole: an earlier run of this job wrote it from a damaged dump");
        }
    }

    private async Task InsertAsync(ChannelReader<DocumentBatch> data, InsertCounts counts, CancellationToken cancellationToken)
    {
        // A capped collection keeps insertion order, which decides what it evicts: one batch at a time.
        var workers = item.IsCapped ? 1 : options.InsertionWorkers;
        using var inFlight = new SemaphoreSlim(workers);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = Channel.CreateUnbounded<DocumentBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var inserter = new BatchInserter(new RawCommandRunner(target.GetDatabase(item.Target.Database)), item.Target.Collection);
        var runner = new WorkQueueRunner<DocumentBatch>(
            pool,
            new WorkQueueOptions<DocumentBatch>
            {
                CollectionKey = item.Key,
                Priority = item.EstimatedBytes,
                MaxAttempts = options.MaxBatchAttempts,
                IsRetryable = TransientErrors.IsTransient,
                DescribeItem = batch => $"{batch.Count} documents",
                FailureMode = WorkQueueFailureMode.StopOnFirstFailure,
            },
            async (batch, worker, token) =>
            {
                var documents = new List<RawDocument>(batch.Count);
                foreach (var document in batch)
                {
                    documents.Add(new RawDocument(document));
                }

                // A retry after a partial insert finds the first documents present: the duplicate _ids count as such.
                var result = await inserter.InsertAsync(documents, token).ConfigureAwait(false);
                counts.Add(batch.Count, result.AlreadyPresent, result.Replaced, batch.Length);
                progress.AddCopied(batch.Count, batch.Length);
                worker.ReportProgress(batch.Count, batch.Length);
                batch.Dispose();
                inFlight.Release();
            });

        var running = runner.RunAsync(queue.Reader, stop.Token);

        // A batch that fails for good stops the run; the pump must stop waiting for a free insert then.
        var watch = running.ContinueWith(
            static (task, state) =>
            {
                if (task.IsFaulted)
                {
                    ((CancellationTokenSource)state!).Cancel();
                }
            },
            stop,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        Exception? readError = null;
        try
        {
            await foreach (var batch in data.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await inFlight.WaitAsync(stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    batch.Dispose();
                    throw;
                }

                queue.Writer.TryWrite(batch);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The run failed; its error is thrown below.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The dump could not be read on: the batches already queued still go in, then the read error is reported.
            readError = e;
        }
        finally
        {
            queue.Writer.TryComplete();
        }

        try
        {
            await running.ConfigureAwait(false);
        }
        finally
        {
            await watch.ConfigureAwait(false);
            while (queue.Reader.TryRead(out var left))
            {
                left.Dispose();
            }
        }

        if (readError is not null)
        {
            _readFailed = true;
            throw readError;
        }
    }

    private NamespaceResult Result(CollectionStatus status, InsertCounts counts, ulong? crc, IReadOnlyList<string> indexErrors, string? error) => new()
    {
        Source = item.Source.FullName,
        Target = item.Target.FullName,
        Kind = item.IsView ? CollectionMetadata.ViewType : CollectionMetadata.CollectionType,
        Status = status,
        Documents = counts.Documents,
        AlreadyPresent = counts.AlreadyPresent,
        Replaced = counts.Replaced,
        CreatedTargetUuid = _createdTargetUuid,
        Bytes = counts.Bytes,
        Crc = crc,
        IndexErrors = indexErrors,
        Notes = [.. _notes],
        Error = error,
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>Documents restored so far (inserted or already present), shared by the insert workers of one collection.</summary>
    private sealed class InsertCounts
    {
        private long _documents;
        private long _alreadyPresent;
        private long _replaced;
        private long _bytes;

        public long Documents => Interlocked.Read(ref _documents);

        public long AlreadyPresent => Interlocked.Read(ref _alreadyPresent);

        public long Replaced => Interlocked.Read(ref _replaced);

        public long Bytes => Interlocked.Read(ref _bytes);

        public void Add(long documents, long alreadyPresent, long replaced, long bytes)
        {
            Interlocked.Add(ref _documents, documents);
            Interlocked.Add(ref _alreadyPresent, alreadyPresent);
            Interlocked.Add(ref _replaced, replaced);
            Interlocked.Add(ref _bytes, bytes);
        }
    }
}
