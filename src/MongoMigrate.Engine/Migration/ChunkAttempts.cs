using Microsoft.Extensions.Logging;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// Wraps one attempt at a chunk. A retry first waits, exponentially longer with jitter, so a server that is
/// failing over or a flapping network is not hammered by every worker at once; server operations inside an
/// attempt have their own shorter Polly retries. A failed attempt is written to the job's history before the
/// work queue decides, by <see cref="ChunkCompletion.IsRetryable"/>, whether the chunk gets another one.
/// </summary>
internal static class ChunkAttempts
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>How a collection's chunks queue for a pool, either method: largest collections first, retried while it can help, a failed chunk does not stop the others.</summary>
    public static WorkQueueOptions<Chunk> QueueOptions(MigrationContext context, CollectionJob job) => new()
    {
        CollectionKey = job.Key,
        Priority = job.Priority,
        MaxAttempts = context.Options.MaxChunkAttempts,
        IsRetryable = ChunkCompletion.IsRetryable,
        DescribeItem = chunk => $"chunk {chunk.Index} {chunk.Description}",
        FailureMode = WorkQueueFailureMode.ContinueOnFailure,
        GaveUp = job.GaveUp,
    };

    public static async Task RunAsync(MigrationContext context, CollectionJob job, Chunk chunk, WorkerContext worker, Func<Task> attempt, CancellationToken cancellationToken)
    {
        if (worker.Attempt > 1)
        {
            await Task.Delay(Backoff(context.Options.RetryDelay, worker.Attempt), context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        var started = context.TimeProvider.GetTimestamp();
        try
        {
            await attempt().ConfigureAwait(false);
            context.Logger.LogDebug("Chunk {Index} of {Namespace}: {Pool} attempt {Attempt} done in {Milliseconds} ms", chunk.Index, job.Key, worker.PoolKind, worker.Attempt, (long)context.TimeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = ErrorDescription.Of(e);
            context.Logger.LogWarning("Chunk {Index} of {Namespace} failed on attempt {Attempt}: {Reason}", chunk.Index, job.Key, worker.Attempt, reason);
            await context.RecordErrorAsync(new ErrorRecord
            {
                At = context.TimeProvider.GetUtcNow(),
                Kind = ErrorKind.AttemptFailed,
                SourceNamespace = job.Key,
                ChunkIndex = chunk.Index,
                Attempt = worker.Attempt,
                Message = reason,
            }).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Four retry delays before the second attempt, doubling after, at most 30 seconds (with the jitter of <see cref="Resilience.Backoff"/>).</summary>
    public static TimeSpan Backoff(TimeSpan retryDelay, int attempt) => Resilience.Backoff.Exponential(retryDelay * 4, attempt - 2, MaxDelay);
}
