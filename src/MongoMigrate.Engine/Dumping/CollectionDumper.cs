using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Dumping;

/// <summary>
/// Dumps one collection: plans _id-range chunks (one for a collection under the chunk size or a capped one), reads
/// them through the job's dump pool, several at once for a large collection, and appends each cursor batch whole
/// to the collection's one output. A chunk that fails on a transient error carries on after its last written _id.
/// </summary>
internal sealed class CollectionDumper(
    IMongoClient source,
    WorkerPoolManager pool,
    DumpJobOptions options,
    SourceCollection collection,
    CollectionProgress progress,
    ILogger logger)
{
    private string Key => collection.Namespace.FullName;

    public async Task<NamespaceResult> RunAsync(DumpOutput output, CancellationToken cancellationToken)
    {
        progress.SetPhase(CollectionPhase.Planning);
        var planner = new ChunkPlanner(source, new ChunkPlannerOptions { ChunkSizeBytes = options.ChunkSizeBytes }, logger);
        var ranges = await planner.PlanAsync(collection, cancellationToken).ConfigureAwait(false);
        var chunks = ranges.Select((range, index) => new DumpChunk(index, range, collection.IsCapped)).ToList();
        progress.SetChunks(chunks.Count, 0, 0, 0, 0);
        progress.SetPhase(CollectionPhase.Copying);

        var sink = output.OpenCollection(collection.Namespace, Metadata(collection));
        await using (sink.ConfigureAwait(false))
        {
            var runner = new WorkQueueRunner<DumpChunk>(
                pool,
                new WorkQueueOptions<DumpChunk>
                {
                    CollectionKey = Key,
                    Priority = Math.Max(collection.EstimatedBytes, 0),
                    MaxAttempts = options.MaxChunkAttempts,
                    IsRetryable = IsRetryable,
                    DescribeItem = chunk => chunk.ToString(),
                    FailureMode = WorkQueueFailureMode.StopOnFirstFailure,
                },
                (chunk, worker, token) => DumpChunkAsync(chunk, sink, worker, token));
            await runner.RunAsync(chunks, cancellationToken).ConfigureAwait(false);
            await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
            progress.SetPhase(CollectionPhase.Done);
            return new NamespaceResult
            {
                Source = Key,
                Target = sink.Name,
                Kind = CollectionMetadata.CollectionType,
                Status = CollectionStatus.Completed,
                Documents = sink.Documents,
                Bytes = sink.Bytes,
                Crc = sink.Crc,
            };
        }
    }

    /// <summary>What mongodump writes for a collection: listCollections options, listIndexes specs, UUID, name, type.</summary>
    public static CollectionMetadata Metadata(SourceCollection collection) => new()
    {
        Options = collection.Options,
        Indexes = collection.Indexes,
        Uuid = collection.Uuid?.ToString("N"),
        CollectionName = collection.Namespace.Collection,
        Type = CollectionMetadata.CollectionType,
    };

    /// <summary>Transient read errors only: an output error means the file or archive is broken, and rereading cannot mend it.</summary>
    private static bool IsRetryable(Exception error) =>
        error is not DumpOutputException && (TransientErrors.IsTransient(error) || error is MongoCursorNotFoundException);

    private async Task DumpChunkAsync(DumpChunk chunk, DumpSink sink, WorkerContext worker, CancellationToken cancellationToken)
    {
        var (attempt, filter) = await sink.BeginAsync(chunk, cancellationToken).ConfigureAwait(false);
        if (chunk.ResumeAfter is not null)
        {
            logger.LogInformation("Carrying on with {Chunk} of {Namespace} after {Written} documents", chunk, Key, chunk.Written);
        }

        var runner = new RawCommandRunner(source.GetDatabase(collection.Namespace.Database));
        var reader = new ChunkReader(runner, collection.Namespace.Collection, filter, naturalOrder: chunk.NaturalOrder) { HintId = !chunk.NaturalOrder, BatchSize = options.ReadBatchDocuments };
        try
        {
            await foreach (var batch in reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // The sink copies the documents before it returns; the batch's pooled reply goes back after.
                using var owned = batch;
                await sink.AppendAsync(chunk, attempt, batch, cancellationToken).ConfigureAwait(false);
                progress.AddCopied(batch.Count, batch.Bytes);
                worker.ReportProgress(batch.Count, batch.Bytes);
            }
        }
        catch (Exception e) when (!chunk.CanResume && e is not (OperationCanceledException or DumpOutputException))
        {
            throw new MigrationException(
                $"Reading the capped collection {Key} failed after {chunk.Written} documents were written, and a capped collection is read in insertion order, which cannot be resumed part way: {e.Message}",
                e);
        }

        progress.ChunkDumped();
    }
}
