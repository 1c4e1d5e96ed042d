using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Dashboard.Jobs;

namespace MongoMigrate.Dashboard.Endpoints;

/// <summary>The read side of the API: jobs, one job, its collections, chunks, pools, errors and throughput.</summary>
internal static class JobEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/jobs", async (JobRegistry registry, CancellationToken cancellationToken) =>
            (await registry.ListAsync(cancellationToken).ConfigureAwait(false)).Select(j => JobSummary.Of(j.Detail())).ToList())
            .WithName("ListJobs").WithSummary("Every job: the running ones and, with a work folder, those of its state files.");

        api.MapGet("/jobs/{jobId}", async Task<Results<Ok<JobDetail>, NotFound<ApiError>>> (string jobId, JobRegistry registry, CancellationToken cancellationToken) =>
            await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false) is { } job ? TypedResults.Ok(job.Detail()) : NotFound(jobId))
            .WithName("GetJob").WithSummary("One job: state, phase, counts, bytes, rates, ETA, worker settings, verification.");

        api.MapGet("/jobs/{jobId}/collections", async Task<Results<Ok<Page<CollectionRow>>, NotFound<ApiError>>> (
            string jobId, string? search, string? phase, string? sort, int? page, int? pageSize, JobRegistry registry, CancellationToken cancellationToken) =>
        {
            if (await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false) is not { } job)
            {
                return NotFound(jobId);
            }

            IEnumerable<CollectionRow> rows = await job.CollectionsAsync(cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(search))
            {
                rows = rows.Where(c => c.Source.Contains(search, StringComparison.OrdinalIgnoreCase) || c.Target.Contains(search, StringComparison.OrdinalIgnoreCase));
            }

            if (!string.IsNullOrWhiteSpace(phase))
            {
                rows = rows.Where(c => c.Phase.Equals(phase, StringComparison.OrdinalIgnoreCase));
            }

            rows = sort switch
            {
                "size" => rows.OrderByDescending(c => c.EstimatedBytes).ThenBy(c => c.Source, StringComparer.Ordinal),
                "progress" => rows.OrderBy(c => c.Percent).ThenBy(c => c.Source, StringComparer.Ordinal),
                _ => rows.OrderBy(c => c.Source, StringComparer.Ordinal),
            };
            return TypedResults.Ok(Page<CollectionRow>.Of([.. rows], page, pageSize));
        }).WithName("ListCollections").WithSummary("A page of the job's collections, searched by name (source or target) and filtered by phase; sort by name, size or progress.");

        api.MapGet("/jobs/{jobId}/chunks", async Task<Results<Ok<ChunksView>, NotFound<ApiError>>> (
            string jobId, string? collection, string? status, string? search, int? page, int? pageSize, JobRegistry registry, CancellationToken cancellationToken) =>
        {
            if (await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false) is not { } job)
            {
                return NotFound(jobId);
            }

            var counts = await job.ChunkCountsAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(collection))
            {
                return TypedResults.Ok(new ChunksView(counts, null, null));
            }

            IEnumerable<ChunkRow> chunks = await job.ChunksAsync(collection, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(status))
            {
                chunks = chunks.Where(c => c.Status.Equals(status, StringComparison.OrdinalIgnoreCase));
            }

            if (!string.IsNullOrWhiteSpace(search))
            {
                chunks = chunks.Where(c => c.Range.Contains(search, StringComparison.OrdinalIgnoreCase));
            }

            return TypedResults.Ok(new ChunksView(counts, collection, Page<ChunkRow>.Of([.. chunks], page, pageSize)));
        }).WithName("ListChunks").WithSummary("Chunk counts by status; with ?collection=db.coll, a page of its chunks (filtered by status, searched in their _id range).");

        api.MapGet("/jobs/{jobId}/pools", async Task<Results<Ok<JobPools>, NotFound<ApiError>>> (string jobId, JobRegistry registry, TimeProvider time, CancellationToken cancellationToken) =>
            await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false) is { } job
                ? TypedResults.Ok(job.Pools() ?? new JobPools(time.GetUtcNow(), null, null))
                : NotFound(jobId))
            .WithName("GetPools").WithSummary("The coordinator's snapshot of the job's pools: maximum, load, counters, and each worker (what it holds, since when, stuck or not).");

        api.MapGet("/jobs/{jobId}/errors", async Task<Results<Ok<IReadOnlyList<ErrorRow>>, NotFound<ApiError>>> (string jobId, int? limit, JobRegistry registry, CancellationToken cancellationToken) =>
            await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false) is { } job
                ? TypedResults.Ok(await job.ErrorsAsync(Math.Clamp(limit ?? 100, 1, 1000), cancellationToken).ConfigureAwait(false))
                : NotFound(jobId))
            .WithName("ListErrors").WithSummary("The latest recorded errors (failed attempts, chunks and collections), newest first.");

        api.MapGet("/jobs/{jobId}/throughput", async Task<Results<Ok<IReadOnlyList<ThroughputSample>>, NotFound<ApiError>>> (string jobId, JobRegistry registry, CancellationToken cancellationToken) =>
            await registry.FindAsync(jobId, cancellationToken).ConfigureAwait(false) is { } job ? TypedResults.Ok(job.Throughput()) : NotFound(jobId))
            .WithName("GetThroughput").WithSummary("Throughput samples (one a second, the last ten minutes) while the job runs here.");
    }

    public static NotFound<ApiError> NotFound(string jobId) => TypedResults.NotFound(new ApiError($"there is no job '{jobId}' here: GET /api/jobs lists them."));
}
