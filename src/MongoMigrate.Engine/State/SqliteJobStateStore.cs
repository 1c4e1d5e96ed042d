using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>
/// Job state in an SQLite file (WAL journal, full sync): each change is atomic and durable before its call
/// returns, so a process killed at any moment leaves the state of the last completed change. One connection,
/// used by one thread; changes made at the same time share a commit (see <see cref="SqliteCommitQueue"/>).
/// </summary>
public sealed class SqliteJobStateStore : IJobStateStore, IChangeStreamCheckpointStore, IVerifyRangeStore
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommitQueue _queue;
    private readonly SqliteStatements _statements;
    private readonly TimeProvider _timeProvider;

    private SqliteJobStateStore(SqliteConnection connection, TimeProvider timeProvider)
    {
        _connection = connection;
        _timeProvider = timeProvider;
        _statements = new SqliteStatements(connection);
        _queue = new SqliteCommitQueue(connection);
        Rechecks = new SqliteRecheckQueue(_queue, _statements);
        SyncBack = new SqliteSyncBackState(
            (checkpoint, token) => SqliteChangeStreamCheckpoints.SaveAsync(checkpoint, Now(), ExecuteAsync, token, SqliteChangeStreamCheckpoints.SyncBackTable),
            (jobId, token) => SqliteChangeStreamCheckpoints.GetAsync(jobId, QueryAsync, token, SqliteChangeStreamCheckpoints.SyncBackTable),
            (status, token) => SqliteOnlineStatus.SaveAsync(status, Now(), ExecuteAsync, token, SqliteOnlineStatus.SyncBackTable),
            (jobId, token) => SqliteOnlineStatus.GetAsync(jobId, QueryAsync, token, SqliteOnlineStatus.SyncBackTable));
    }

    public string Path => _connection.DataSource;

    /// <summary>The continuous verification's recheck queue of an online job, in this file.</summary>
    public IRecheckQueueStore Rechecks { get; }

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

    public Task CreateJobAsync(JobRecord job, IReadOnlyList<CollectionRecord> collections, CancellationToken cancellationToken) =>
        InTransactionAsync(
            transaction =>
            {
                if (Count(transaction, "SELECT COUNT(*) FROM jobs WHERE job_id = $id", ("$id", job.JobId)) > 0)
                {
                    throw new InvalidOperationException($"The job state already has a job {job.JobId}.");
                }

                Execute(
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
                    UpsertCollection(transaction, job.JobId, collection);
                }
            },
            cancellationToken);

    public async Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryJobsAsync("WHERE job_id = $id", cancellationToken, ("$id", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(CancellationToken cancellationToken) => QueryJobsAsync("ORDER BY created_at, job_id", cancellationToken);

    public async Task UpdateJobAsync(string jobId, JobStatus status, string? error, CancellationToken cancellationToken)
    {
        var changed = await ExecuteAsync(
            "UPDATE jobs SET status = $status, error = $error, updated_at = $now WHERE job_id = $id",
            cancellationToken,
            ("$status", status.ToString()),
            ("$error", error),
            ("$now", Now()),
            ("$id", jobId)).ConfigureAwait(false);
        EnsureChanged(changed, $"job {jobId}");
    }

    public Task SavePoolSettingsAsync(string jobId, PoolSettings settings, CancellationToken cancellationToken) => ExecuteAsync(
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
        ("$now", Now()));

    public async Task<PoolSettings?> GetPoolSettingsAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT dump_workers, restore_workers, insertion_workers FROM pool_settings WHERE job_id = $job",
            r => new PoolSettings(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2)),
            cancellationToken,
            ("$job", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public Task SaveCollectionPlanAsync(string jobId, CollectionRecord collection, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken) =>
        InTransactionAsync(
            transaction =>
            {
                var started = Count(
                    transaction,
                    "SELECT COUNT(*) FROM chunks WHERE job_id = $job AND source_ns = $ns AND (status <> 'Planned' OR attempts > 0)",
                    ("$job", jobId),
                    ("$ns", collection.SourceNamespace));
                if (started > 0)
                {
                    throw new InvalidOperationException($"The plan of {collection.SourceNamespace} cannot be replaced: {started} of its chunks have progress.");
                }

                Execute(transaction, "DELETE FROM chunks WHERE job_id = $job AND source_ns = $ns", ("$job", jobId), ("$ns", collection.SourceNamespace));
                UpsertCollection(transaction, jobId, collection with { ChunkCount = chunks.Count });
                foreach (var chunk in chunks)
                {
                    Execute(
                        transaction,
                        $"INSERT INTO chunks (job_id, source_ns, {SqliteJobStateRows.ChunkColumns}) VALUES ($job, $ns, $index, $filter, $description, $status, $attempts, $documents, $bytes, $file, $checksum, $error, $verified, $replace, $digest)",
                        ("$job", jobId),
                        ("$ns", collection.SourceNamespace),
                        ("$index", chunk.Index),
                        ("$filter", chunk.Filter),
                        ("$description", chunk.Description),
                        ("$status", chunk.Status.ToString()),
                        ("$attempts", chunk.Attempts),
                        ("$documents", chunk.Documents),
                        ("$bytes", chunk.Bytes),
                        ("$file", chunk.File),
                        ("$checksum", chunk.Checksum is { } c ? unchecked((long)c) : null),
                        ("$error", chunk.Error),
                        ("$verified", chunk.VerifiedDocuments),
                        ("$replace", chunk.ReplaceOnTarget ? 1 : 0),
                        ("$digest", chunk.SourceDigest is { } d ? unchecked((long)d) : null));
                }
            },
            cancellationToken);

    public Task ResetCollectionAsync(string jobId, CollectionRecord collection, CancellationToken cancellationToken) =>
        InTransactionAsync(
            transaction =>
            {
                Execute(transaction, "DELETE FROM chunks WHERE job_id = $job AND source_ns = $ns", ("$job", jobId), ("$ns", collection.SourceNamespace));
                UpsertCollection(transaction, jobId, collection with { ChunkCount = 0 });
            },
            cancellationToken);

    public Task RecordChunkVerificationsAsync(string jobId, string sourceNamespace, IReadOnlyList<ChunkVerification> results, CancellationToken cancellationToken) =>
        InTransactionAsync(
            transaction =>
            {
                foreach (var result in results)
                {
                    var changed = result.IsEqual
                        ? Execute(transaction, ChunkUpdate("verified_documents = $verified", "status = 'Restored'"), ("$verified", result.Identical), ("$job", jobId), ("$ns", sourceNamespace), ("$index", result.Index))
                        : Execute(
                            transaction,
                            ChunkUpdate("status = 'Planned', replace_range = 1, verified_documents = NULL, file = NULL, error = $error", null),
                            ("$error", result.Difference),
                            ("$job", jobId),
                            ("$ns", sourceNamespace),
                            ("$index", result.Index));
                    EnsureChanged(changed, $"restored chunk {result.Index} of {sourceNamespace}");
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(string jobId, CancellationToken cancellationToken) => QueryAsync(
        $"SELECT {SqliteJobStateRows.CollectionColumns} FROM collections WHERE job_id = $job ORDER BY rowid",
        SqliteJobStateRows.Collection,
        cancellationToken,
        ("$job", jobId));

    public async Task UpdateCollectionAsync(string jobId, string sourceNamespace, CollectionStatus status, string? error, string? indexErrors, CancellationToken cancellationToken)
    {
        var changed = await ExecuteAsync(
            "UPDATE collections SET status = $status, error = $error, index_errors = COALESCE($indexErrors, index_errors) WHERE job_id = $job AND source_ns = $ns",
            cancellationToken,
            ("$status", status.ToString()),
            ("$error", error),
            ("$indexErrors", indexErrors),
            ("$job", jobId),
            ("$ns", sourceNamespace)).ConfigureAwait(false);
        EnsureChanged(changed, $"collection {sourceNamespace}");
    }

    public async Task CompleteCollectionAsync(string jobId, string sourceNamespace, string? indexErrors, long? verifiedDocuments, CancellationToken cancellationToken)
    {
        var changed = await ExecuteAsync(
            "UPDATE collections SET status = 'Completed', error = NULL, index_errors = $indexErrors, verified_documents = $verified WHERE job_id = $job AND source_ns = $ns",
            cancellationToken,
            ("$indexErrors", indexErrors),
            ("$verified", verifiedDocuments),
            ("$job", jobId),
            ("$ns", sourceNamespace)).ConfigureAwait(false);
        EnsureChanged(changed, $"collection {sourceNamespace}");
    }

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken) => QueryAsync(
        $"SELECT {SqliteJobStateRows.ChunkColumns} FROM chunks WHERE job_id = $job AND source_ns = $ns ORDER BY chunk_index",
        r => SqliteJobStateRows.Chunk(r, sourceNamespace),
        cancellationToken,
        ("$job", jobId),
        ("$ns", sourceNamespace));

    public Task<IReadOnlyList<ChunkTotals>> GetChunkTotalsAsync(string jobId, CancellationToken cancellationToken) => QueryAsync(
        "SELECT source_ns, status, COUNT(*), SUM(documents), SUM(bytes) FROM chunks WHERE job_id = $job GROUP BY source_ns, status ORDER BY source_ns, status",
        r => new ChunkTotals(r.GetString(0), Enum.Parse<ChunkStatus>(r.GetString(1)), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4)),
        cancellationToken,
        ("$job", jobId));

    public async Task RecordAttemptAsync(string jobId, string sourceNamespace, int index, CancellationToken cancellationToken) =>
        EnsureChanged(await UpdateChunkAsync("attempts = attempts + 1", null, jobId, sourceNamespace, index, cancellationToken).ConfigureAwait(false), $"chunk {index} of {sourceNamespace}");

    public Task<bool> MarkChunkDumpedAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, string file, ulong checksum, CancellationToken cancellationToken) =>
        GuardedChunkUpdateAsync(
            "status = 'Dumped', documents = $documents, bytes = $bytes, file = $file, checksum = $checksum, error = NULL",
            "status <> 'Restored'",
            jobId,
            sourceNamespace,
            index,
            cancellationToken,
            ("$documents", documents),
            ("$bytes", bytes),
            ("$file", file),
            ("$checksum", unchecked((long)checksum)));

    public async Task MarkChunkRestoredAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, ulong? sourceDigest, CancellationToken cancellationToken) =>
        EnsureChanged(
            await UpdateChunkAsync(
                "status = 'Restored', documents = $documents, bytes = $bytes, source_digest = $digest, error = NULL, verified_documents = NULL, replace_range = 0",
                null,
                jobId,
                sourceNamespace,
                index,
                cancellationToken,
                ("$documents", documents),
                ("$bytes", bytes),
                ("$digest", sourceDigest is { } d ? unchecked((long)d) : null)).ConfigureAwait(false),
            $"chunk {index} of {sourceNamespace}");

    public Task<bool> ResetChunkAsync(string jobId, string sourceNamespace, int index, string reason, CancellationToken cancellationToken) =>
        GuardedChunkUpdateAsync("status = 'Planned', file = NULL, checksum = NULL, error = $error", "status = 'Dumped'", jobId, sourceNamespace, index, cancellationToken, ("$error", reason));

    public Task<bool> MarkChunkFailedAsync(string jobId, string sourceNamespace, int index, string error, CancellationToken cancellationToken) =>
        GuardedChunkUpdateAsync("status = 'Failed', error = $error", "status <> 'Restored'", jobId, sourceNamespace, index, cancellationToken, ("$error", error));

    public Task RecordErrorAsync(string jobId, ErrorRecord error, CancellationToken cancellationToken) => ExecuteAsync(
        "INSERT INTO errors (job_id, at, kind, source_ns, chunk_index, attempt, message) VALUES ($job, $at, $kind, $ns, $index, $attempt, $message)",
        cancellationToken,
        ("$job", jobId),
        ("$at", error.At.ToString("O", CultureInfo.InvariantCulture)),
        ("$kind", error.Kind.ToString()),
        ("$ns", error.SourceNamespace),
        ("$index", error.ChunkIndex),
        ("$attempt", error.Attempt),
        ("$message", error.Message));

    public Task<IReadOnlyList<ErrorRecord>> GetErrorsAsync(string jobId, int limit, CancellationToken cancellationToken) => QueryAsync(
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
        SqliteChangeStreamCheckpoints.SaveAsync(checkpoint, Now(), ExecuteAsync, cancellationToken);

    public Task<ChangeStreamCheckpoint?> GetChangeStreamCheckpointAsync(string jobId, CancellationToken cancellationToken) =>
        SqliteChangeStreamCheckpoints.GetAsync(jobId, QueryAsync, cancellationToken);

    public Task SaveOnlineStatusAsync(OnlineStatus status, CancellationToken cancellationToken) =>
        SqliteOnlineStatus.SaveAsync(status, Now(), ExecuteAsync, cancellationToken);

    public Task<OnlineStatus?> GetOnlineStatusAsync(string jobId, CancellationToken cancellationToken) =>
        SqliteOnlineStatus.GetAsync(jobId, QueryAsync, cancellationToken);

    public Task SaveVerifyPlanAsync(string jobId, string sourceNamespace, IReadOnlyList<byte[]> filters, CancellationToken cancellationToken) =>
        SqliteVerifyRanges.SavePlanAsync(jobId, sourceNamespace, filters, (body, token) => InTransactionAsync(t => body((sql, p) => Execute(t, sql, p), (sql, p) => Count(t, sql, p)), token), cancellationToken);

    public Task<IReadOnlyList<VerifyRangeRecord>> GetVerifyRangesAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken) =>
        SqliteVerifyRanges.GetAsync(jobId, sourceNamespace, QueryAsync, cancellationToken);

    public Task RecordVerifyRangeAsync(string jobId, string sourceNamespace, int index, long documents, long differences, string result, CancellationToken cancellationToken) =>
        SqliteVerifyRanges.RecordAsync(jobId, sourceNamespace, index, documents, differences, result, Now(), ExecuteAsync, cancellationToken);

    public Task<IReadOnlyList<VerifyRangeTotals>> GetVerifyRangeTotalsAsync(string jobId, CancellationToken cancellationToken) =>
        SqliteVerifyRanges.TotalsAsync(jobId, QueryAsync, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // The queue's thread is the only user of the statements: they go once it has stopped.
        await _queue.DisposeAsync().ConfigureAwait(false);
        _statements.Dispose();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>An update that applies only from the states <paramref name="guard"/> allows; false when the chunk is in another one.</summary>
    private Task<bool> GuardedChunkUpdateAsync(string assignments, string guard, string jobId, string sourceNamespace, int index, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        _queue.RunAsync(
            transaction =>
            {
                if (Execute(transaction, ChunkUpdate(assignments, guard), [.. parameters, ("$job", jobId), ("$ns", sourceNamespace), ("$index", index)]) > 0)
                {
                    return true;
                }

                var exists = Count(
                    transaction,
                    "SELECT COUNT(*) FROM chunks WHERE job_id = $job AND source_ns = $ns AND chunk_index = $index",
                    ("$job", jobId),
                    ("$ns", sourceNamespace),
                    ("$index", index));
                EnsureChanged((int)exists, $"chunk {index} of {sourceNamespace}");
                return false;
            },
            cancellationToken);

    private Task<int> UpdateChunkAsync(string assignments, string? guard, string jobId, string sourceNamespace, int index, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        ExecuteAsync(ChunkUpdate(assignments, guard), cancellationToken, [.. parameters, ("$job", jobId), ("$ns", sourceNamespace), ("$index", index)]);

    private static string ChunkUpdate(string assignments, string? guard) =>
        $"UPDATE chunks SET {assignments} WHERE job_id = $job AND source_ns = $ns AND chunk_index = $index{(guard is null ? string.Empty : " AND " + guard)}";

    private void UpsertCollection(SqliteTransaction transaction, string jobId, CollectionRecord collection) =>
        Execute(transaction, SqliteJobStateRows.UpsertCollection, SqliteJobStateRows.CollectionValues(jobId, collection));

    private Task<IReadOnlyList<JobRecord>> QueryJobsAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) => QueryAsync(
        $"SELECT {SqliteJobStateRows.JobColumns} FROM jobs {where}",
        SqliteJobStateRows.Job,
        cancellationToken,
        parameters);

    private Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<SqliteDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        _queue.RunAsync<IReadOnlyList<T>>(
            transaction =>
            {
                using var reader = Command(transaction, sql, parameters).ExecuteReader();
                var result = new List<T>();
                while (reader.Read())
                {
                    result.Add(map(reader));
                }

                return result;
            },
            cancellationToken);

    private Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        _queue.RunAsync(transaction => Execute(transaction, sql, parameters), cancellationToken);

    /// <summary>Runs several statements as one change: all of them are stored, or (on any error) none.</summary>
    private Task InTransactionAsync(Action<SqliteTransaction> body, CancellationToken cancellationToken) =>
        _queue.RunAsync(
            transaction =>
            {
                body(transaction);
                return true;
            },
            cancellationToken);

    private int Execute(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        Command(transaction, sql, parameters).ExecuteNonQuery();

    private long Count(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        Convert.ToInt64(Command(transaction, sql, parameters).ExecuteScalar(), CultureInfo.InvariantCulture);

    /// <summary>A prepared statement, reused: only ever called from an operation running on the queue's thread.</summary>
    private SqliteCommand Command(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        _statements.For(transaction, sql, parameters);

    private string Now() => _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private static void EnsureChanged(int rows, string what)
    {
        if (rows == 0)
        {
            throw new InvalidOperationException($"The job state has no {what}.");
        }
    }
}
