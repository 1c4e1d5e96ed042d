using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cluster.Workers;

/// <summary>
/// The seam between the engine's copy stages and the cluster: the stages keep their own state transitions in a silo-local
/// store (the chunk's attempts, its dump file), and what settles a chunk (restored, proven on the target) is also told to
/// the job grain, made again until the grain answers (it may be moving to another silo), which then lets the silo lease
/// another. The job's truth is the grain's.
/// </summary>
internal sealed class LeasedChunkStore(IJobStateStore local, IClusterJobGrain job, string silo, Func<string, int> collectionOf, GrainReports reports, Action<ChunkLease> settled) : IJobStateStore
{
    public async Task MarkChunkRestoredAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, ulong? sourceDigest, CancellationToken cancellationToken)
    {
        await local.MarkChunkRestoredAsync(jobId, sourceNamespace, index, documents, bytes, sourceDigest, cancellationToken).ConfigureAwait(false);
        var chunk = new ChunkLease(collectionOf(sourceNamespace), index);
        await reports.DeliverAsync($"chunk {index} of {sourceNamespace} copied", () => job.CompleteChunkAsync(silo, chunk, documents, bytes, sourceDigest), cancellationToken).ConfigureAwait(false);
        settled(chunk);
    }

    /// <summary>Local only: the job grain hears of a chunk given up on as it happens (<see cref="Engine.Migration.CollectionJob.GaveUp"/>).</summary>
    public Task<bool> MarkChunkFailedAsync(string jobId, string sourceNamespace, int index, string error, CancellationToken cancellationToken) =>
        local.MarkChunkFailedAsync(jobId, sourceNamespace, index, error, cancellationToken);

    public Task CreateJobAsync(JobRecord job, IReadOnlyList<CollectionRecord> collections, CancellationToken cancellationToken) => local.CreateJobAsync(job, collections, cancellationToken);

    public Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken) => local.GetJobAsync(jobId, cancellationToken);

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(CancellationToken cancellationToken) => local.ListJobsAsync(cancellationToken);

    public Task UpdateJobAsync(string jobId, JobStatus status, string? error, CancellationToken cancellationToken) => local.UpdateJobAsync(jobId, status, error, cancellationToken);

    public Task SavePoolSettingsAsync(string jobId, PoolSettings settings, CancellationToken cancellationToken) => local.SavePoolSettingsAsync(jobId, settings, cancellationToken);

    public Task<PoolSettings?> GetPoolSettingsAsync(string jobId, CancellationToken cancellationToken) => local.GetPoolSettingsAsync(jobId, cancellationToken);

    public Task SaveCollectionPlanAsync(string jobId, CollectionRecord collection, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken) => local.SaveCollectionPlanAsync(jobId, collection, chunks, cancellationToken);

    public Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(string jobId, CancellationToken cancellationToken) => local.GetCollectionsAsync(jobId, cancellationToken);

    public Task UpdateCollectionAsync(string jobId, string sourceNamespace, CollectionStatus status, string? error, string? indexErrors, CancellationToken cancellationToken) =>
        local.UpdateCollectionAsync(jobId, sourceNamespace, status, error, indexErrors, cancellationToken);

    public Task ResetCollectionAsync(string jobId, CollectionRecord collection, CancellationToken cancellationToken) => local.ResetCollectionAsync(jobId, collection, cancellationToken);

    public Task RecordChunkVerificationsAsync(string jobId, string sourceNamespace, IReadOnlyList<ChunkVerification> results, CancellationToken cancellationToken) =>
        local.RecordChunkVerificationsAsync(jobId, sourceNamespace, results, cancellationToken);

    public Task CompleteCollectionAsync(string jobId, string sourceNamespace, string? indexErrors, long? verifiedDocuments, int? verifiedChunks, CancellationToken cancellationToken) =>
        local.CompleteCollectionAsync(jobId, sourceNamespace, indexErrors, verifiedDocuments, verifiedChunks, cancellationToken);

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken) => local.GetChunksAsync(jobId, sourceNamespace, cancellationToken);

    public Task<IReadOnlyList<ChunkTotals>> GetChunkTotalsAsync(string jobId, CancellationToken cancellationToken) => local.GetChunkTotalsAsync(jobId, cancellationToken);

    public Task RecordAttemptAsync(string jobId, string sourceNamespace, int index, CancellationToken cancellationToken) => local.RecordAttemptAsync(jobId, sourceNamespace, index, cancellationToken);

    public Task<bool> MarkChunkDumpedAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, string file, ulong checksum, CancellationToken cancellationToken) =>
        local.MarkChunkDumpedAsync(jobId, sourceNamespace, index, documents, bytes, file, checksum, cancellationToken);

    public Task<bool> ResetChunkAsync(string jobId, string sourceNamespace, int index, string reason, CancellationToken cancellationToken) => local.ResetChunkAsync(jobId, sourceNamespace, index, reason, cancellationToken);

    public Task RecordErrorAsync(string jobId, ErrorRecord error, CancellationToken cancellationToken) => local.RecordErrorAsync(jobId, error, cancellationToken);

    public Task<IReadOnlyList<ErrorRecord>> GetErrorsAsync(string jobId, int limit, CancellationToken cancellationToken) => local.GetErrorsAsync(jobId, limit, cancellationToken);

    public ValueTask DisposeAsync() => local.DisposeAsync();
}
