using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Dashboard.Events;
using MongoMigrate.Dashboard.Jobs;

namespace MongoMigrate.Dashboard.Endpoints;

/// <summary>Server-sent events: a job's updates and the job list, pushed when they change (at most once a second, at once after an action).</summary>
internal static class EventEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/jobs/{jobId}/events", async Task<Results<ServerSentEventsResult<JobUpdate>, NotFound<ApiError>>> (string jobId, JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false) is not null
                ? TypedResults.ServerSentEvents(Changes(jobId, registry, pulse, cancellationToken), "job")
                : JobEndpoints.NotFound(jobId))
            .WithName("JobEvents").WithSummary("text/event-stream of 'job' events: the job and its pools, sent when they change.");

        api.MapGet("/events", (JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(ChangesAsync(registry, pulse, cancellationToken), "jobs"))
            .WithName("JobListEvents").WithSummary("text/event-stream of 'jobs' events: the job list, sent when it changes.");
    }

    /// <summary>
    /// The job's updates. It is found again at each pulse: a job read from its state file (serve --work-dir) is a
    /// snapshot, and one that another process runs moves on in its state.
    /// </summary>
    private static async IAsyncEnumerable<JobUpdate> Changes(string jobId, JobRegistry registry, ChangePulse pulse, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false) is not { } job)
            {
                // Its state file is gone.
                yield break;
            }

            var update = new JobUpdate(job.Detail(), job.Pools());

            // Sent only when something but the clock changed: a finished or idle job sends nothing more.
            var key = JsonSerializer.Serialize(update with { Job = update.Job with { ElapsedSeconds = 0, EtaSeconds = null }, Pools = update.Pools is null ? null : update.Pools with { TakenAt = default } }, DashboardJson.Default.JobUpdate);
            if (key != last)
            {
                last = key;
                yield return update;
            }

            if (!await WaitAsync(pulse, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }
        }
    }

    private static async IAsyncEnumerable<IReadOnlyList<JobSummary>> ChangesAsync(JobRegistry registry, ChangePulse pulse, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<JobSummary> jobs = [.. (await registry.ListAsync(cancellationToken).ConfigureAwait(false)).Select(j => JobSummary.Of(j.Detail()))];
            var key = JsonSerializer.Serialize(jobs, DashboardJson.Default.IReadOnlyListJobSummary);
            if (key != last)
            {
                last = key;
                yield return jobs;
            }

            if (!await WaitAsync(pulse, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }
        }
    }

    private static async Task<bool> WaitAsync(ChangePulse pulse, CancellationToken cancellationToken)
    {
        try
        {
            await pulse.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
