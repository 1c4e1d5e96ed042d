using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Migration;

/// <summary>Records the chunks a work queue gave up on: in the state (Failed, with the reason), in the history, in the progress.</summary>
internal static class ChunkFailures
{
    public static async Task<IReadOnlyList<ChunkFailure>> RecordAsync(MigrationContext context, CollectionJob job, WorkQueueResult<Chunk> result, CancellationToken cancellationToken)
    {
        var failures = new List<ChunkFailure>();
        foreach (var failure in result.Failures)
        {
            var reason = ErrorDescription.Of(failure.Exception);
            failures.Add(new ChunkFailure(failure.Item.Index, failure.Item.Description, failure.Attempts, reason, failure.Exception));
            job.Progress.ChunkFailed();
            await context.State.MarkChunkFailedAsync(context.JobId, job.Key, failure.Item.Index, reason, cancellationToken).ConfigureAwait(false);
            await context.RecordErrorAsync(new ErrorRecord
            {
                At = context.TimeProvider.GetUtcNow(),
                Kind = ErrorKind.ChunkFailed,
                SourceNamespace = job.Key,
                ChunkIndex = failure.Item.Index,
                Attempt = failure.Attempts,
                Message = reason,
            }).ConfigureAwait(false);
        }

        return failures;
    }
}
