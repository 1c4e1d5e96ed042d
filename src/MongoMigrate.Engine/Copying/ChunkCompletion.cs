using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// The last step of every chunk: count the chunk's _id range on the target and only then record it as
/// restored. A retried chunk whose documents were partly written before is thus proven complete.
/// </summary>
internal static class ChunkCompletion
{
    public static async Task CompleteAsync(MigrationContext context, CollectionJob job, ChunkRecord chunk, long documents, long bytes, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(context.Target.GetDatabase(job.Target.Database));
        var count = new BsonBuilder(chunk.Filter.Length + 64).StartDocument()
            .String("count", job.Target.Collection)
            .Document("query", new RawDocument(chunk.Filter))
            .End().ToDocument();
        var reply = await context.Retry.ExecuteAsync(async token => await runner.RunAsync(count, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var onTarget = reply["n"].TryGetInt64(out var n) ? n : -1;
        if (onTarget != documents)
        {
            throw new ChunkCountMismatchException(
                $"Chunk {chunk.Index} of {job.Key} ({chunk.Description}): the source gave {documents} documents but the target holds {onTarget} in that _id range.");
        }

        await context.State.MarkChunkRestoredAsync(context.JobId, job.Key, chunk.Index, documents, bytes, cancellationToken).ConfigureAwait(false);
        job.Progress.ChunkRestored();
    }

    /// <summary>Whether an error may be cured by running the chunk again.</summary>
    public static bool IsRetryable(Exception error) =>
        Resilience.TransientErrors.IsTransient(error) || error is DamagedChunkFileException or MongoCursorNotFoundException;
}
