using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Dashboard.Events;
using MongoMigrate.Dashboard.Jobs;

namespace MongoMigrate.Dashboard.Endpoints;

/// <summary>The steering side: every action calls the job's steering as the keys do; refusals are 4xx with one line.</summary>
internal static class ActionEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/jobs/{jobId}/workers", (string jobId, WorkerCountRequest request, JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            ActAsync(jobId, registry, pulse, job => job.SetWorkers(request.Pool ?? string.Empty, request.Count), cancellationToken))
            .Documented().WithName("SetWorkers").WithSummary("Sets the dump, restore or insertion workers (1 to the pool's limit; insertion 1 to 64). While paused, the count applies on unpause.");
        api.MapPost("/jobs/{jobId}/pause", (string jobId, JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            ActAsync(jobId, registry, pulse, job => job.Pause(), cancellationToken))
            .Documented().WithName("Pause").WithSummary("Sets the job's pools to 0: running chunks finish their step, no new ones start.");
        api.MapPost("/jobs/{jobId}/unpause", (string jobId, JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            ActAsync(jobId, registry, pulse, job => job.Unpause(), cancellationToken))
            .Documented().WithName("Unpause").WithSummary("Gives the pools back their counts.");
        api.MapPost("/jobs/{jobId}/stop", (string jobId, JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            ActAsync(jobId, registry, pulse, job => job.Stop(), cancellationToken))
            .Documented().WithName("Stop").WithSummary("Stops the job resumably, as Ctrl+C does.");
        api.MapPost("/jobs/{jobId}/adaptive", (string jobId, AdaptiveRequest request, JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            ActAsync(jobId, registry, pulse, job => job.SetAdaptive(request.Enabled), cancellationToken))
            .Documented().WithName("SetAdaptive").WithSummary("Turns adaptive scaling of the worker counts on or off.");
        api.MapPost("/jobs/{jobId}/cutover", (string jobId, CutoverBody? request, JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            ActAsync(jobId, registry, pulse, job => job.CutOverAsync(request ?? new CutoverBody(), pulse.Notify, cancellationToken), cancellationToken))
            .Documented<CutoverOutcome>().WithName("Cutover").WithSummary(
                "Cuts an online job over, as the key c and the cutover command do, and answers with the result: cut over at T with the target equal to the source, "
                + "or why not (following goes on). Asked during the copy, it answers once the copy is done. 409 for an offline job or while another cutover is under way.");
        api.MapPost("/jobs/{jobId}/verify", (string jobId, JobRegistry registry, ChangePulse pulse, CancellationToken cancellationToken) =>
            ActAsync(jobId, registry, pulse, job => Task.FromResult(job.StartVerification(pulse.Notify)), cancellationToken))
            .Documented<VerificationRun>().WithName("StartVerification").WithSummary(
                "Starts the engine's verifier over the job's collections whose copy is done (byte for byte by _id); its progress, result and mismatches show in the job's verificationRun. 409 while one runs.");
    }

    private static RouteHandlerBuilder Documented(this RouteHandlerBuilder builder) => builder.Documented<ActionResult>();

    private static RouteHandlerBuilder Documented<T>(this RouteHandlerBuilder builder) => builder
        .Produces<T>()
        .Produces<ApiError>(StatusCodes.Status400BadRequest)
        .Produces<ApiError>(StatusCodes.Status403Forbidden)
        .Produces<ApiError>(StatusCodes.Status404NotFound)
        .Produces<ApiError>(StatusCodes.Status409Conflict);

    private static Task<IResult> ActAsync(string jobId, JobRegistry registry, ChangePulse pulse, Func<LiveJob, ActionResult> act, CancellationToken cancellationToken) =>
        ActAsync(jobId, registry, pulse, job => Task.FromResult(act(job)), cancellationToken);

    private static async Task<IResult> ActAsync<T>(string jobId, JobRegistry registry, ChangePulse pulse, Func<LiveJob, Task<T>> act, CancellationToken cancellationToken)
    {
        switch (await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            case null:
                return JobEndpoints.NotFound(jobId);
            case LiveJob live:
                try
                {
                    var result = await act(live).ConfigureAwait(false);
                    pulse.Notify();
                    return TypedResults.Ok(result);
                }
                catch (JobActionException e)
                {
                    return TypedResults.Json(new ApiError(e.Message), statusCode: e.StatusCode);
                }

            case var stored:
                return TypedResults.Conflict(new ApiError($"job {stored.JobId} does not run in this process ({stored.Detail().State}): steer it from the process that runs it, or resume it."));
        }
    }
}
