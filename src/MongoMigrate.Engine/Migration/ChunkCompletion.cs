using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// The last step of every chunk: prove the chunk's documents are on the target, and only then record it as
/// restored. When this attempt's inserts were acknowledged for every document, none of them already there,
/// the acknowledgements are the proof. Otherwise (an earlier attempt or run wrote some of them, or the
/// answers do not add up) the chunk's _id range is counted on the target: a retried chunk whose documents
/// were partly written before is thus proven complete. Documents someone else wrote into the range are
/// left to the final verification, which reports them.
/// </summary>
internal static class ChunkCompletion
{
    public static async Task CompleteAsync(MigrationContext context, CollectionJob job, Chunk chunk, long documents, long bytes, InsertResult inserted, ulong sourceDigest, CancellationToken cancellationToken)
    {
        if (inserted.AlreadyPresent != 0 || inserted.Inserted != documents)
        {
            await CountOnTargetAsync(context, job, chunk, documents, cancellationToken).ConfigureAwait(false);
        }

        await context.State.MarkChunkRestoredAsync(context.JobId, job.Key, chunk.Index, documents, bytes, sourceDigest, cancellationToken).ConfigureAwait(false);
        job.Progress.ChunkRestored();
    }

    private static async Task CountOnTargetAsync(MigrationContext context, CollectionJob job, Chunk chunk, long documents, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(context.Target.GetDatabase(job.Target.Database));
        var count = CountCommand.Build(job.Target.Collection, chunk.Filter);
        var reply = await context.Retry.ExecuteAsync(async token => await runner.RunAsync(count, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var onTarget = CountCommand.Result(reply);
        if (onTarget != documents)
        {
            throw new ChunkCountMismatchException(
                $"Chunk {chunk.Index} of {job.Key} ({chunk.Description}): the source gave {documents} documents but the target holds {onTarget} in that _id range.");
        }
    }

    /// <summary>
    /// Empties the chunk's _id range on the target before it is copied again, when a verification found the documents
    /// there different from the source's (<see cref="Chunk.ReplaceOnTarget"/>): what is left over, changed or extra
    /// goes, and the copy puts the source's documents back. Idempotent, so every attempt does it again.
    /// </summary>
    public static async Task ClearRangeIfReplacedAsync(MigrationContext context, CollectionJob job, Chunk chunk, CancellationToken cancellationToken)
    {
        if (!chunk.ReplaceOnTarget)
        {
            return;
        }

        var runner = new RawCommandRunner(context.Target.GetDatabase(job.Target.Database));
        var delete = DeleteManyCommand.Build(job.Target.Collection, chunk.Filter);
        var reply = await context.Retry.ExecuteAsync(async token => await runner.RunAsync(delete, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var removed = DeleteManyCommand.Removed(reply);
        context.Logger.LogInformation("Chunk {Index} of {Namespace} is copied again over its range: {Removed} document(s) removed from the target first", chunk.Index, job.Key, removed);
    }

    /// <summary>Whether an error may be cured by running the chunk again.</summary>
    public static bool IsRetryable(Exception error) =>
        Resilience.TransientErrors.IsTransient(error) || error is DamagedChunkFileException or MongoCursorNotFoundException;
}
