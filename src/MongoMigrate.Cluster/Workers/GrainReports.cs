using Microsoft.Extensions.Logging;
using MongoMigrate.Engine.Resilience;

namespace MongoMigrate.Cluster.Workers;

/// <summary>
/// Reports to the job grain that must land: a chunk proven on the target, a chunk given up on or handed back, a
/// collection finished. While the grain moves to another silo (the one it lived on died or is stopping) calls fail for
/// a few seconds, and a report dropped then would leave the grain believing this silo still holds work it has
/// forgotten; so each is made again, waiting longer each time up to <paramref name="maxDelay"/>, until the grain
/// answers or this silo stops. Only the cluster's failures are retried: the grain's own refusals are not.
/// </summary>
internal sealed class GrainReports(string jobId, TimeSpan maxDelay, ILogger logger, TimeProvider time)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    public async Task DeliverAsync(string what, Func<Task> report, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await report().WaitAsync(cancellationToken).ConfigureAwait(false);
                if (attempt > 1)
                {
                    logger.LogInformation("Job {JobId}: {What} reported on attempt {Attempt}", jobId, what, attempt);
                }

                return;
            }
            catch (Exception e) when (IsTheClusters(e) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Job {JobId}: could not report {What} yet ({Reason}); trying again", jobId, what, ErrorDescription.Of(e));
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < maxDelay ? delay * 2 : maxDelay;
        }
    }

    /// <summary>A failure of the cluster's messaging or of the grain's storage (a stale activation's write), not of the job.</summary>
    public static bool IsTheClusters(Exception error) => error is OrleansException or TimeoutException;
}
