using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>
/// Job state in an SQLite file (WAL journal, full sync): each change is atomic and durable before its call
/// returns, so a process killed at any moment leaves the state of the last completed change. One connection,
/// used by one thread; changes made at the same time share a commit (see <see cref="SqliteCommitQueue"/>).
/// The store opens the file and answers for jobs, pool settings and errors; the rest is done by one part per concept:
/// collections (<see cref="SqliteCollectionProgress"/>), chunks (<see cref="SqliteChunkProgress"/>), the online
/// checkpoint and status, verification ranges and the recheck queue, all running their statements alike (<see cref="SqliteStateRunner"/>).
/// </summary>
public sealed class SqliteJobStateStore : IJobStateStore, IChangeStreamCheckpointStore, IVerifyRangeStore
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommitQueue _queue;
    private readonly SqliteStatements _statements;
    private readonly SqliteStateRunner _db;
    private readonly SqliteCollectionProgress _collections;
    private readonly SqliteChunkProgress _chunks;

    private SqliteJobStateStore(SqliteConnection connection, TimeProvider timeProvider, bool readOnly = false)
    {
        _connection = connection;
        _statements = new SqliteStatements(connection);
        _queue = new SqliteCommitQueue(connection, deferred: readOnly);
        _db = new SqliteStateRunner(_queue, _statements, timeProvider);
        _collections = new SqliteCollectionProgress(_db);
        _chunks = new SqliteChunkProgress(_db);
        Rechecks = new SqliteRecheckQueue(_queue, _statements, SqliteRecheckQueue.ForwardTables);
        SyncBackRechecks = new SqliteRecheckQueue(_queue, _statements, SqliteRecheckQueue.SyncBackTables);
        SyncBack = new SqliteSyncBackState(
            (checkpoint, token) => SqliteChangeStreamCheckpoints.SaveAsync(checkpoint, _db.Now(), _db.ExecuteAsync, token, SqliteChangeStreamCheckpoints.SyncBackTable),
            (jobId, token) => SqliteChangeStreamCheckpoints.GetAsync(jobId, _db.QueryAsync, token, SqliteChangeStreamCheckpoints.SyncBackTable),
            (status, token) => SqliteOnlineStatus.SaveAsync(status, _db.Now(), _db.ExecuteAsync, token, SqliteOnlineStatus.SyncBackTable),
            (jobId, token) => SqliteOnlineStatus.GetAsync(jobId, _db.QueryAsync, token, SqliteOnlineStatus.SyncBackTable));
    }

    public string Path => _connection.DataSource;

    /// <summary>The continuous verification's recheck queue of an online job, in this file.</summary>
    public IRecheckQueueStore Rechecks { get; }

    /// <summary>The continuous verification's recheck queue of a sync-back (the target's changes followed back to the source), in this file.</summary>
    public IRecheckQueueStore SyncBackRechecks { get; }

    /// <summary>The sync-back's checkpoint and status (following the target back to the source after a cutover), in this file.</summary>
    public IChangeStreamCheckpointStore SyncBack { get; }

    /// <summary>Opens (creating if needed, upgrading if older) the state file.</summary>
    public static async Task<SqliteJobStateStore> OpenAsync(string path, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 60 }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using (var command = connection.CreateCommand())
            {
                command.CommandText = SqliteJobStateSchema.Pragmas + SqliteJobStateSchema.Tables;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            SqliteJobStateSchema.EnsureVersion(connection, path);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new SqliteJobStateStore(connection, timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// Opens an existing state file to read it beside the process that writes it (a dashboard watching a job): no
    /// table is created or upgraded, and its reads take no write lock, so the job's own changes never wait for them
    /// (with WAL, a reader sees the last committed state). Any change through it fails. Throws a SqliteException when
    /// the file does not exist or is not a state file.
    /// </summary>
    public static async Task<SqliteJobStateStore> OpenReadOnlyAsync(string path, CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 60 }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new SqliteJobStateStore(connection, TimeProvider.System, readOnly: true);
    }

    public Task CreateJobAsync(JobRecord job, IReadOnlyList<CollectionRecord> collections, CancellationToken cancellationToken) =>
        _db.InTransactionAsync(
            transaction =>
            {
                if (_db.Count(transaction, "SELECT COUNT(*) FROM jobs WHERE job_id = $id", ("$id", job.JobId)) > 0)
                {
                    throw new InvalidOperationException($"The job state already has a job {job.JobId}.");
                }

                _db.Execute(
                    transaction,
                    "INSERT INTO jobs (job_id, definition, status, created_at, updated_at, error) VALUES ($id, $definition, $status, $created, $updated, $error)",
                    ("$id", job.JobId),
                    ("$definition", job.DefinitionJson),
                    ("$status", job.Status.ToString()),
                    ("$created", job.CreatedAt.ToString("O", CultureInfo.InvariantCulture)),
                    ("$updated", job.UpdatedAt.ToString("O", CultureInfo.InvariantCulture)),
                    ("$error", job.Error));
                foreach (var collection in collections)
                {
                    _db.UpsertCollection(transaction, job.JobId, collection);
                }
            },
            cancellationToken);

    public async Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryJobsAsync("WHERE job_id = $id", cancellationToken, ("$id", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(CancellationToken cancellationToken) => QueryJobsAsync("ORDER BY created_at, job_id", cancellationToken);

    public async Task UpdateJobAsync(string jobId, JobStatus status, string? error, CancellationToken cancellationToken)
    {
        var changed = await _db.ExecuteAsync(
            "UPDATE jobs SET status = $status, error = $error, updated_at = $now WHERE job_id = $id",
            cancellationToken,
            ("$status", status.ToString()),
            ("$error", error),
            ("$now", _db.Now()),
            ("$id", jobId)).ConfigureAwait(false);
        SqliteStateRunner.EnsureChanged(changed, $"job {jobId}");
    }

    public Task SavePoolSettingsAsync(string jobId, PoolSettings settings, CancellationToken cancellationToken) => _db.ExecuteAsync(
        """
        INSERT INTO pool_settings (job_id, dump_workers, restore_workers, insertion_workers, updated_at) VALUES ($job, $dump, $restore, $insertion, $now)
        ON CONFLICT (job_id) DO UPDATE SET dump_workers = excluded.dump_workers, restore_workers = excluded.restore_workers,
            insertion_workers = excluded.insertion_workers, updated_at = excluded.updated_at
        """,
        cancellationToken,
        ("$job", jobId),
        ("$dump", settings.DumpWorkers),
        ("$restore", settings.RestoreWorkers),
        ("$insertion", settings.InsertionWorkers),
        ("$now", _db.Now()));

    public async Task<PoolSettings?> GetPoolSettingsAsync(string jobId, CancellationToken cancellationToken) =>
        (await _db.QueryAsync(
            "SELECT dump_workers, restore_workers, insertion_workers FROM pool_settings WHERE job_id = $job",
            r => new PoolSettings(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)),
            cancellationToken,
            ("$job", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public Task SaveCollectionPlanAsync(string jobId, CollectionRecord collection, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken) =>
        _chunks.SaveCollectionPlanAsync(jobId, collection, chunks, cancellationToken);

    public Task ResetCollectionAsync(string jobId, CollectionRecord collection, CancellationToken cancellationToken) =>
        _collections.ResetCollectionAsync(jobId, collection, cancellationToken);

    public Task RecordChunkVerificationsAsync(string jobId, string sourceNamespace, IReadOnlyList<ChunkVerification> results, CancellationToken cancellationToken) =>
        _chunks.RecordChunkVerificationsAsync(jobId, sourceNamespace, results, cancellationToken);

    public Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(string jobId, CancellationToken cancellationToken) =>
        _collections.GetCollectionsAsync(jobId, cancellationToken);

    public Task UpdateCollectionAsync(string jobId, string sourceNamespace, CollectionStatus status, string? error, string? indexErrors, CancellationToken cancellationToken) =>
        _collections.UpdateCollectionAsync(jobId, sourceNamespace, status, error, indexErrors, cancellationToken);

    public Task CompleteCollectionAsync(string jobId, string sourceNamespace, string? indexErrors, long? verifiedDocuments, int? verifiedChunks, CancellationToken cancellationToken) =>
        _collections.CompleteCollectionAsync(jobId, sourceNamespace, indexErrors, verifiedDocuments, verifiedChunks, cancellationToken);

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken) =>
        _chunks.GetChunksAsync(jobId, sourceNamespace, cancellationToken);

    public Task<IReadOnlyList<ChunkTotals>> GetChunkTotalsAsync(string jobId, CancellationToken cancellationToken) =>
        _chunks.GetChunkTotalsAsync(jobId, cancellationToken);

    public Task RecordAttemptAsync(string jobId, string sourceNamespace, int index, CancellationToken cancellationToken) =>
        _chunks.RecordAttemptAsync(jobId, sourceNamespace, index, cancellationToken);

    public Task<bool> MarkChunkDumpedAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, string file, ulong checksum, CancellationToken cancellationToken) =>
        _chunks.MarkChunkDumpedAsync(jobId, sourceNamespace, index, documents, bytes, file, checksum, cancellationToken);

    public Task MarkChunkRestoredAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, ulong? sourceDigest, CancellationToken cancellationToken) =>
        _chunks.MarkChunkRestoredAsync(jobId, sourceNamespace, index, documents, bytes, sourceDigest, cancellationToken);

    public Task<bool> ResetChunkAsync(string jobId, string sourceNamespace, int index, string reason, CancellationToken cancellationToken) =>
        _chunks.ResetChunkAsync(jobId, sourceNamespace, index, reason, cancellationToken);

    public Task<bool> MarkChunkFailedAsync(string jobId, string sourceNamespace, int index, string error, CancellationToken cancellationToken) =>
        _chunks.MarkChunkFailedAsync(jobId, sourceNamespace, index, error, cancellationToken);

    public Task RecordErrorAsync(string jobId, ErrorRecord error, CancellationToken cancellationToken) => _db.ExecuteAsync(
        "INSERT INTO errors (job_id, at, kind, source_ns, chunk_index, attempt, message) VALUES ($job, $at, $kind, $ns, $index, $attempt, $message)",
        cancellationToken,
        ("$job", jobId),
        ("$at", error.At.ToString("O", CultureInfo.InvariantCulture)),
        ("$kind", error.Kind.ToString()),
        ("$ns", error.SourceNamespace),
        ("$index", error.ChunkIndex),
        ("$attempt", error.Attempt),
        ("$message", error.Message));

    public Task<IReadOnlyList<ErrorRecord>> GetErrorsAsync(string jobId, int limit, CancellationToken cancellationToken) => _db.QueryAsync(
        "SELECT at, kind, source_ns, chunk_index, attempt, message FROM errors WHERE job_id = $job ORDER BY id DESC LIMIT $limit",
        r => new ErrorRecord
        {
            At = DateTimeOffset.Parse(r.GetString(0), CultureInfo.InvariantCulture),
            Kind = Enum.Parse<ErrorKind>(r.GetString(1)),
            SourceNamespace = r.IsDBNull(2) ? null : r.GetString(2),
            ChunkIndex = r.IsDBNull(3) ? null : r.GetInt32(3),
            Attempt = r.IsDBNull(4) ? null : r.GetInt32(4),
            Message = r.GetString(5),
        },
        cancellationToken,
        ("$job", jobId),
        ("$limit", Math.Max(0, limit)));

    public Task SaveChangeStreamCheckpointAsync(ChangeStreamCheckpoint checkpoint, CancellationToken cancellationToken) =>
        SqliteChangeStreamCheckpoints.SaveAsync(checkpoint, _db.Now(), _db.ExecuteAsync, cancellationToken);

    public Task<ChangeStreamCheckpoint?> GetChangeStreamCheckpointAsync(string jobId, CancellationToken cancellationToken) =>
        SqliteChangeStreamCheckpoints.GetAsync(jobId, _db.QueryAsync, cancellationToken);

    public Task SaveOnlineStatusAsync(OnlineStatus status, CancellationToken cancellationToken) =>
        SqliteOnlineStatus.SaveAsync(status, _db.Now(), _db.ExecuteAsync, cancellationToken);

    public Task<OnlineStatus?> GetOnlineStatusAsync(string jobId, CancellationToken cancellationToken) =>
        SqliteOnlineStatus.GetAsync(jobId, _db.QueryAsync, cancellationToken);

    public Task SaveVerifyPlanAsync(string jobId, string sourceNamespace, IReadOnlyList<byte[]> filters, CancellationToken cancellationToken) =>
        SqliteVerifyRanges.SavePlanAsync(jobId, sourceNamespace, filters, (body, token) => _db.InTransactionAsync(t => body((sql, p) => _db.Execute(t, sql, p), (sql, p) => _db.Count(t, sql, p)), token), cancellationToken);

    public Task<IReadOnlyList<VerifyRangeRecord>> GetVerifyRangesAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken) =>
        SqliteVerifyRanges.GetAsync(jobId, sourceNamespace, _db.QueryAsync, cancellationToken);

    public Task RecordVerifyRangeAsync(string jobId, string sourceNamespace, int index, long documents, long differences, string result, CancellationToken cancellationToken) =>
        SqliteVerifyRanges.RecordAsync(jobId, sourceNamespace, index, documents, differences, result, _db.Now(), _db.ExecuteAsync, cancellationToken);

    public Task<IReadOnlyList<VerifyRangeTotals>> GetVerifyRangeTotalsAsync(string jobId, CancellationToken cancellationToken) =>
        SqliteVerifyRanges.TotalsAsync(jobId, _db.QueryAsync, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // The queue's thread is the only user of the statements: they go once it has stopped.
        await _queue.DisposeAsync().ConfigureAwait(false);
        _statements.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private Task<IReadOnlyList<JobRecord>> QueryJobsAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) => _db.QueryAsync(
        $"SELECT {SqliteJobStateRows.JobColumns} FROM jobs {where}",
        SqliteJobStateRows.Job,
        cancellationToken,
        parameters);
}
