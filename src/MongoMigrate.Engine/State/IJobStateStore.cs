namespace MongoMigrate.Engine.State;

/// <summary>
/// Durable job state. Every method is one small transaction; a crash between two calls leaves the state
/// of the earlier call, never a half-written one. Chunk transitions are guarded: Restored is final, so
/// a late or repeated call can never move a chunk back. Implementations: SQLite in the work folder;
/// others (a MongoDB-backed store for several processes) must pass the same contract tests.
/// </summary>
public interface IJobStateStore : IAsyncDisposable
{
    /// <summary>Creates the job and its collections (Pending, without chunks) together: a job is never stored without them.</summary>
    /// <exception cref="InvalidOperationException">The job already exists.</exception>
    Task CreateJobAsync(JobRecord job, IReadOnlyList<CollectionRecord> collections, CancellationToken cancellationToken);

    Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobRecord>> ListJobsAsync(CancellationToken cancellationToken);

    Task UpdateJobAsync(string jobId, JobStatus status, string? error, CancellationToken cancellationToken);

    /// <summary>Records the worker counts the job runs with now (never a pause's zero).</summary>
    Task SavePoolSettingsAsync(string jobId, PoolSettings settings, CancellationToken cancellationToken);

    Task<PoolSettings?> GetPoolSettingsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Records a collection's plan: its chunks, all Planned, and the collection as given.</summary>
    /// <exception cref="InvalidOperationException">The collection already has chunks with progress; a plan is never replaced once work started.</exception>
    Task SaveCollectionPlanAsync(string jobId, CollectionRecord collection, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken);

    /// <summary>The job's collections, in the order they were created.</summary>
    Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Changes a collection's status and error; index errors are kept when <paramref name="indexErrors"/> is null.</summary>
    Task UpdateCollectionAsync(string jobId, string sourceNamespace, CollectionStatus status, string? error, string? indexErrors, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets a collection's plan and progress (its chunks are deleted) and stores it as given, to be planned anew: the
    /// collection was dropped or recreated on one side while the job ran, so what was copied is not of it.
    /// </summary>
    Task ResetCollectionAsync(string jobId, CollectionRecord collection, CancellationToken cancellationToken);

    /// <summary>
    /// Records what verifying a collection's chunks found, in one change: an equal chunk keeps its count of identical
    /// documents; a different one goes back to Planned with <see cref="ChunkRecord.ReplaceOnTarget"/>, so that the next
    /// run empties its range on the target and copies it again.
    /// </summary>
    Task RecordChunkVerificationsAsync(string jobId, string sourceNamespace, IReadOnlyList<ChunkVerification> results, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a collection Completed, with its index problems, what verification found identical (null: not verified)
    /// and how many of its chunks that verification compared (null: all of them; fewer for a sample).
    /// </summary>
    Task CompleteCollectionAsync(string jobId, string sourceNamespace, string? indexErrors, long? verifiedDocuments, int? verifiedChunks, CancellationToken cancellationToken);

    /// <summary>A collection's chunks in index order.</summary>
    Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken);

    /// <summary>Chunk counts, documents and bytes per collection and status, without reading every chunk.</summary>
    Task<IReadOnlyList<ChunkTotals>> GetChunkTotalsAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Counts one more attempt at a chunk, before the attempt starts.</summary>
    Task RecordAttemptAsync(string jobId, string sourceNamespace, int index, CancellationToken cancellationToken);

    /// <summary>Records a chunk's complete file, its document count, bytes and CRC-64.</summary>
    /// <returns>False, changing nothing, when the chunk is already Restored.</returns>
    Task<bool> MarkChunkDumpedAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, string file, ulong checksum, CancellationToken cancellationToken);

    /// <summary>
    /// Called only once the chunk's documents are proven to be on the target. <paramref name="sourceDigest"/> is what the
    /// documents read from the source add up to (<see cref="ChunkRecord.SourceDigest"/>); the chunk is not verified yet.
    /// </summary>
    Task MarkChunkRestoredAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, ulong? sourceDigest, CancellationToken cancellationToken);

    /// <summary>Sends a dumped chunk back to Planned and forgets its file (it was missing or damaged).</summary>
    /// <returns>False, changing nothing, unless the chunk was Dumped.</returns>
    Task<bool> ResetChunkAsync(string jobId, string sourceNamespace, int index, string reason, CancellationToken cancellationToken);

    /// <summary>Records that a chunk failed for good in this run; a later run tries it again.</summary>
    /// <returns>False, changing nothing, when the chunk is already Restored.</returns>
    Task<bool> MarkChunkFailedAsync(string jobId, string sourceNamespace, int index, string error, CancellationToken cancellationToken);

    /// <summary>Adds an error to the job's history.</summary>
    Task RecordErrorAsync(string jobId, ErrorRecord error, CancellationToken cancellationToken);

    /// <summary>The most recent errors of the job, newest first.</summary>
    Task<IReadOnlyList<ErrorRecord>> GetErrorsAsync(string jobId, int limit, CancellationToken cancellationToken);
}
