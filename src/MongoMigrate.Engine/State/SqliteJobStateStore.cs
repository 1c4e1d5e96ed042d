using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>
/// Job state in an SQLite file (WAL journal): each change is one small transaction, so a process killed
/// at any moment leaves the state of the last completed change. One connection, used one call at a time.
/// </summary>
public sealed class SqliteJobStateStore : IJobStateStore
{
    private const int SchemaVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _timeProvider;

    private SqliteJobStateStore(SqliteConnection connection, TimeProvider timeProvider)
    {
        _connection = connection;
        _timeProvider = timeProvider;
    }

    public string Path => _connection.DataSource;

    /// <summary>Opens (creating if needed) the state file.</summary>
    public static async Task<SqliteJobStateStore> OpenAsync(string path, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var store = new SqliteJobStateStore(connection, timeProvider ?? TimeProvider.System);
        await store.ExecuteAsync(
            """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS jobs (
                job_id TEXT PRIMARY KEY,
                definition TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                error TEXT);
            CREATE TABLE IF NOT EXISTS collections (
                job_id TEXT NOT NULL REFERENCES jobs(job_id),
                source_ns TEXT NOT NULL,
                target_ns TEXT NOT NULL,
                status TEXT NOT NULL,
                estimated_count INTEGER NOT NULL,
                estimated_bytes INTEGER NOT NULL,
                chunk_count INTEGER NOT NULL,
                index_errors TEXT,
                error TEXT,
                PRIMARY KEY (job_id, source_ns));
            CREATE TABLE IF NOT EXISTS chunks (
                job_id TEXT NOT NULL,
                source_ns TEXT NOT NULL,
                chunk_index INTEGER NOT NULL,
                filter BLOB NOT NULL,
                description TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                documents INTEGER NOT NULL DEFAULT 0,
                bytes INTEGER NOT NULL DEFAULT 0,
                file TEXT,
                checksum INTEGER,
                error TEXT,
                PRIMARY KEY (job_id, source_ns, chunk_index),
                FOREIGN KEY (job_id, source_ns) REFERENCES collections(job_id, source_ns));
            """,
            cancellationToken).ConfigureAwait(false);
        await store.EnsureSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    public Task CreateJobAsync(JobRecord job, CancellationToken cancellationToken) => ExecuteAsync(
        "INSERT INTO jobs (job_id, definition, status, created_at, updated_at, error) VALUES ($id, $definition, $status, $created, $updated, $error)",
        cancellationToken,
        ("$id", job.JobId),
        ("$definition", job.DefinitionJson),
        ("$status", job.Status.ToString()),
        ("$created", job.CreatedAt.ToString("O")),
        ("$updated", job.UpdatedAt.ToString("O")),
        ("$error", job.Error));

    public async Task<JobRecord?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryJobsAsync("WHERE job_id = $id", cancellationToken, ("$id", jobId)).ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<JobRecord>> ListJobsAsync(CancellationToken cancellationToken) => QueryJobsAsync("ORDER BY created_at", cancellationToken);

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

    public async Task SaveCollectionPlanAsync(string jobId, CollectionRecord collection, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            Execute(transaction, "DELETE FROM chunks WHERE job_id = $job AND source_ns = $ns", ("$job", jobId), ("$ns", collection.SourceNamespace));
            UpsertCollection(transaction, jobId, collection with { ChunkCount = chunks.Count });
            foreach (var chunk in chunks)
            {
                Execute(
                    transaction,
                    """
                    INSERT INTO chunks (job_id, source_ns, chunk_index, filter, description, status, attempts, documents, bytes, file, checksum, error)
                    VALUES ($job, $ns, $index, $filter, $description, $status, $attempts, $documents, $bytes, $file, $checksum, $error)
                    """,
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
                    ("$error", chunk.Error));
            }

            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SaveCollectionAsync(string jobId, CollectionRecord collection, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            UpsertCollection(transaction, jobId, collection);
            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(string jobId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Command(
                "SELECT source_ns, target_ns, status, estimated_count, estimated_bytes, chunk_count, index_errors, error FROM collections WHERE job_id = $job ORDER BY rowid",
                ("$job", jobId));
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var result = new List<CollectionRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new CollectionRecord
                {
                    SourceNamespace = reader.GetString(0),
                    TargetNamespace = reader.GetString(1),
                    Status = Enum.Parse<CollectionStatus>(reader.GetString(2)),
                    EstimatedCount = reader.GetInt64(3),
                    EstimatedBytes = reader.GetInt64(4),
                    ChunkCount = reader.GetInt32(5),
                    IndexErrors = reader.IsDBNull(6) ? null : reader.GetString(6),
                    Error = reader.IsDBNull(7) ? null : reader.GetString(7),
                });
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

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

    public async Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Command(
                "SELECT chunk_index, filter, description, status, attempts, documents, bytes, file, checksum, error FROM chunks WHERE job_id = $job AND source_ns = $ns ORDER BY chunk_index",
                ("$job", jobId),
                ("$ns", sourceNamespace));
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var result = new List<ChunkRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new ChunkRecord
                {
                    SourceNamespace = sourceNamespace,
                    Index = reader.GetInt32(0),
                    Filter = (byte[])reader.GetValue(1),
                    Description = reader.GetString(2),
                    Status = Enum.Parse<ChunkStatus>(reader.GetString(3)),
                    Attempts = reader.GetInt32(4),
                    Documents = reader.GetInt64(5),
                    Bytes = reader.GetInt64(6),
                    File = reader.IsDBNull(7) ? null : reader.GetString(7),
                    Checksum = reader.IsDBNull(8) ? null : unchecked((ulong)reader.GetInt64(8)),
                    Error = reader.IsDBNull(9) ? null : reader.GetString(9),
                });
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task RecordAttemptAsync(string jobId, string sourceNamespace, int index, CancellationToken cancellationToken) =>
        UpdateChunkAsync("attempts = attempts + 1", jobId, sourceNamespace, index, cancellationToken);

    public Task MarkChunkDumpedAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, string file, ulong checksum, CancellationToken cancellationToken) =>
        UpdateChunkAsync(
            "status = 'Dumped', documents = $documents, bytes = $bytes, file = $file, checksum = $checksum, error = NULL",
            jobId,
            sourceNamespace,
            index,
            cancellationToken,
            ("$documents", documents),
            ("$bytes", bytes),
            ("$file", file),
            ("$checksum", unchecked((long)checksum)));

    public Task MarkChunkRestoredAsync(string jobId, string sourceNamespace, int index, long documents, long bytes, CancellationToken cancellationToken) =>
        UpdateChunkAsync(
            "status = 'Restored', documents = $documents, bytes = $bytes, error = NULL",
            jobId,
            sourceNamespace,
            index,
            cancellationToken,
            ("$documents", documents),
            ("$bytes", bytes));

    public Task ResetChunkAsync(string jobId, string sourceNamespace, int index, string reason, CancellationToken cancellationToken) =>
        UpdateChunkAsync("status = 'Planned', file = NULL, checksum = NULL, error = $error", jobId, sourceNamespace, index, cancellationToken, ("$error", reason));

    public Task MarkChunkFailedAsync(string jobId, string sourceNamespace, int index, string error, CancellationToken cancellationToken) =>
        UpdateChunkAsync("status = 'Failed', error = $error", jobId, sourceNamespace, index, cancellationToken, ("$error", error));

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task UpdateChunkAsync(string assignments, string jobId, string sourceNamespace, int index, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var changed = await ExecuteAsync(
            $"UPDATE chunks SET {assignments} WHERE job_id = $job AND source_ns = $ns AND chunk_index = $index",
            cancellationToken,
            [.. parameters, ("$job", jobId), ("$ns", sourceNamespace), ("$index", index)]).ConfigureAwait(false);
        EnsureChanged(changed, $"chunk {index} of {sourceNamespace}");
    }

    private void UpsertCollection(SqliteTransaction transaction, string jobId, CollectionRecord collection) => Execute(
        transaction,
        """
        INSERT INTO collections (job_id, source_ns, target_ns, status, estimated_count, estimated_bytes, chunk_count, index_errors, error)
        VALUES ($job, $ns, $target, $status, $count, $bytes, $chunks, $indexErrors, $error)
        ON CONFLICT (job_id, source_ns) DO UPDATE SET
            target_ns = excluded.target_ns, status = excluded.status, estimated_count = excluded.estimated_count,
            estimated_bytes = excluded.estimated_bytes, chunk_count = excluded.chunk_count,
            index_errors = excluded.index_errors, error = excluded.error
        """,
        ("$job", jobId),
        ("$ns", collection.SourceNamespace),
        ("$target", collection.TargetNamespace),
        ("$status", collection.Status.ToString()),
        ("$count", collection.EstimatedCount),
        ("$bytes", collection.EstimatedBytes),
        ("$chunks", collection.ChunkCount),
        ("$indexErrors", collection.IndexErrors),
        ("$error", collection.Error));

    private async Task<IReadOnlyList<JobRecord>> QueryJobsAsync(string where, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Command($"SELECT job_id, definition, status, created_at, updated_at, error FROM jobs {where}", parameters);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var result = new List<JobRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new JobRecord
                {
                    JobId = reader.GetString(0),
                    DefinitionJson = reader.GetString(1),
                    Status = Enum.Parse<JobStatus>(reader.GetString(2)),
                    CreatedAt = DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture),
                    UpdatedAt = DateTimeOffset.Parse(reader.GetString(4), System.Globalization.CultureInfo.InvariantCulture),
                    Error = reader.IsDBNull(5) ? null : reader.GetString(5),
                });
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EnsureSchemaVersionAsync(CancellationToken cancellationToken)
    {
        using var command = Command("SELECT version FROM schema_version");
        var version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            await ExecuteAsync("INSERT INTO schema_version (version) VALUES ($v)", cancellationToken, ("$v", SchemaVersion)).ConfigureAwait(false);
        }
        else if (Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture) != SchemaVersion)
        {
            throw new MigrationException($"The state file {Path} has schema version {version}; this mongomigrate understands version {SchemaVersion}. Use the mongomigrate that created the job.");
        }
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = Command(sql, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Execute(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private string Now() => _timeProvider.GetUtcNow().ToString("O");

    private static void EnsureChanged(int rows, string what)
    {
        if (rows == 0)
        {
            throw new InvalidOperationException($"The job state has no {what}.");
        }
    }
}
