namespace MongoMigrate.Engine.State;

/// <summary>
/// Durable job state. Every method is one small transaction; a crash between two calls leaves the state
/// of the earlier call, never a half-written one. Implementations: SQLite in the work folder; others
/// (a MongoDB-backed store for several processes) must pass the same contract tests.
/// </summary>
public interface IJobStateStore : IAsyncDisposable
{
    Task CreateJobAsync(JobRecord job, CancellationToken cancellationToken);

    Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobRecord>> ListJobsAsync(CancellationToken cancellationToken);

    Task UpdateJobAsync(string jobId, JobStatus status, string? error, CancellationToken cancellationToken);

    /// <summary>Records a collection and its planned chunks together (replacing an earlier plan that has no progress).</summary>
    Task SaveCollectionPlanAsync(string jobId, CollectionRecord collection, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken);

    /// <summary>Records a collection without chunks yet (discovered, not planned).</summary>
    Task SaveCollectionAsync(string jobId, CollectionRecord collection, CancellationToken cancellationToken);

    Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(string jobId, CancellationToken cancellationToken);

    Task UpdateCollectionAsync(string jobId, string sourceNamespace, CollectionStatus status, string? error, string? indexErrors, CancellationToken cancellationToken);

    Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken);

    /// <summary>Counts one more attempt at a chunk, before the attempt starts.</summary>
    Task RecordAttemptAsync(string jobId, string sourceNamespace, int index, CancellationToken cancellationToken);

    Task MarkChunkDumpedAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, string file, ulong checksum, CancellationToken cancellationToken);

    /// <summary>Called only once the chunk's documents are on the target.</summary>
    Task MarkChunkRestoredAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, CancellationToken cancellationToken);

    /// <summary>Sends a dumped chunk back to Planned (its file was missing or damaged).</summary>
    Task ResetChunkAsync(string jobId, string sourceNamespace, int index, string reason, CancellationToken cancellationToken);

    Task MarkChunkFailedAsync(string jobId, string sourceNamespace, int index, string error, CancellationToken cancellationToken);
}
