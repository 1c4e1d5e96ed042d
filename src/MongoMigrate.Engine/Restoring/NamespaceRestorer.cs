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
using Polly;

namespace MongoMigrate.Engine.Restoring;

/// <summary>
/// Restores one collection or view of a dump: drops it first with --drop (or when <paramref name="replace"/>: an
/// earlier run of the job wrote it from a damaged dump into a collection it created), creates it with the dump's options
/// (so capped, validator and collation apply), inserts its documents through the job's restore pool, then builds its
/// indexes, unique ones first.
/// </summary>
/// <remarks>
/// Its documents go in through an <see cref="InsertStage"/> whose batches take a restore-pool slot only while they are
/// inserted, never while they wait for data. That keeps an archive restore from deadlocking however many namespaces the
/// archive interleaves: a writer that waits for a slot always gets one from an insert that finishes without needing the
/// archive to move on.
/// </remarks>
internal sealed class NamespaceRestorer(
    IMongoClient target,
    WorkerPoolManager pool,
    RestoreJobOptions options,
    RestoreItem item,
    CollectionProgress progress,
    ResiliencePipeline retry,
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
        var stage = Inserts();
        var counts = stage.Tally;
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
            await InsertAsync(data, stage, cancellationToken).ConfigureAwait(false);

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
            var error = ErrorDescription.Of(e);
            var written = counts.Documents - counts.Total.AlreadyPresent;
            if (_readFailed && written > 0)
            {
                // Its documents went in batch by batch; the damage showed only after (a checksum is checked at the end).
                error += $": {written:N0} document(s) were written from this namespace ({written - counts.Total.Replaced:N0} inserted, {counts.Total.Replaced:N0} replaced) "
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
            return Result(CollectionStatus.Completed, new InsertTally(), null, [], null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var error = ErrorDescription.Of(e);
            logger.LogError(e, "Restoring the view {Namespace} failed: {Reason}", item.Target, error);
            progress.SetPhase(CollectionPhase.Failed);
            return Result(CollectionStatus.Failed, new InsertTally(), null, [], error);
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
                $"The target refused to create the {what} {item.Target} with the dump's options {BsonDebugText.Format(collection.Options.AsValue())}: {e.CodeName} ({e.Code}): {ErrorText.FirstLine(e.ErrorMessage)}",
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

    private async Task InsertAsync(ChannelReader<DocumentBatch> data, InsertStage stage, CancellationToken cancellationToken)
    {
        Exception? readError = null;
        await stage.RunAsync(
            async (batches, token) =>
            {
                try
                {
                    await foreach (var batch in data.ReadAllAsync(token).ConfigureAwait(false))
                    {
                        await batches.WriteAsync(InsertBatch.Of(batch), token).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The dump could not be read on: the batches already queued still go in, then the read error is reported.
                    readError = e;
                }
            },
            cancellationToken).ConfigureAwait(false);

        if (readError is not null)
        {
            _readFailed = true;
            throw readError;
        }
    }

    /// <summary>
    /// The collection's inserts: each batch in a restore-pool slot of its own while it is inserted; a capped collection
    /// keeps insertion order, which decides what it evicts, so it gets one batch at a time.
    /// </summary>
    private InsertStage Inserts() =>
        new(new BatchInserter(new RawCommandRunner(target.GetDatabase(item.Target.Database)), item.Target.Collection), item.IsCapped ? 1 : options.InsertionWorkers, new InsertSlots(pool, item.Key, item.EstimatedBytes, batch => $"{batch.Count} documents"), retry)
        {
            Inserted = (batch, _) => progress.AddCopied(batch.Count, batch.Bytes),
        };

    private NamespaceResult Result(CollectionStatus status, InsertTally counts, ulong? crc, IReadOnlyList<string> indexErrors, string? error) => new()
    {
        Source = item.Source.FullName,
        Target = item.Target.FullName,
        Kind = item.IsView ? CollectionMetadata.ViewType : CollectionMetadata.CollectionType,
        Status = status,
        Documents = counts.Documents,
        AlreadyPresent = counts.Total.AlreadyPresent,
        Replaced = counts.Total.Replaced,
        CreatedTargetUuid = _createdTargetUuid,
        Bytes = counts.Bytes,
        Crc = crc,
        IndexErrors = indexErrors,
        Notes = [.. _notes],
        Error = error,
    };
}
