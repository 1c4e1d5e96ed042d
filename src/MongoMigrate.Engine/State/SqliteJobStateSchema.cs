using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>The tables of the SQLite job state, and the upgrade of a state file written by an earlier version.</summary>
internal static class SqliteJobStateSchema
{
    public const int Version = 9;

    /// <summary>WAL with full sync: a commit is on disk before the call returns, and readers never block the writer.</summary>
    public const string Pragmas =
        """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA foreign_keys = ON;
        """;

    private static readonly SqliteTable Jobs = new(
        "jobs",
        "job_id TEXT PRIMARY KEY",
        "definition TEXT NOT NULL",
        "status TEXT NOT NULL",
        "created_at TEXT NOT NULL",
        "updated_at TEXT NOT NULL",
        "error TEXT");

    private static readonly SqliteTable PoolSettings = new(
        "pool_settings",
        "job_id TEXT PRIMARY KEY REFERENCES jobs(job_id)",
        "dump_workers INTEGER NOT NULL",
        "restore_workers INTEGER NOT NULL",
        "insertion_workers INTEGER NOT NULL",
        "updated_at TEXT NOT NULL");

    private static readonly SqliteTable Collections = new(
        "collections",
        [
            "job_id TEXT NOT NULL REFERENCES jobs(job_id)",
            "source_ns TEXT NOT NULL",
            "target_ns TEXT NOT NULL",
            "status TEXT NOT NULL",
            "estimated_count INTEGER NOT NULL",
            "estimated_bytes INTEGER NOT NULL",
            "chunk_count INTEGER NOT NULL",
            "index_errors TEXT",
            "error TEXT",
            "verified_documents INTEGER",
            "source_uuid TEXT",
            "target_uuid TEXT",
            "verified_chunks INTEGER",
        ],
        ["PRIMARY KEY (job_id, source_ns)"],
        []);

    private static readonly SqliteTable Chunks = new(
        "chunks",
        [
            "job_id TEXT NOT NULL",
            "source_ns TEXT NOT NULL",
            "chunk_index INTEGER NOT NULL",
            "filter BLOB NOT NULL",
            "description TEXT NOT NULL",
            "status TEXT NOT NULL",
            "attempts INTEGER NOT NULL DEFAULT 0",
            "documents INTEGER NOT NULL DEFAULT 0",
            "bytes INTEGER NOT NULL DEFAULT 0",
            "file TEXT",
            "checksum INTEGER",
            "error TEXT",
            "verified_documents INTEGER",
            "replace_range INTEGER NOT NULL DEFAULT 0",
            "source_digest INTEGER",
        ],
        ["PRIMARY KEY (job_id, source_ns, chunk_index)", "FOREIGN KEY (job_id, source_ns) REFERENCES collections(job_id, source_ns)"],
        []);

    private static readonly SqliteTable Errors = new(
        "errors",
        [
            "id INTEGER PRIMARY KEY AUTOINCREMENT",
            "job_id TEXT NOT NULL REFERENCES jobs(job_id)",
            "at TEXT NOT NULL",
            "kind TEXT NOT NULL",
            "source_ns TEXT",
            "chunk_index INTEGER",
            "attempt INTEGER",
            "message TEXT NOT NULL",
        ],
        [],
        [("errors_by_job", "(job_id, id)")]);

    private static readonly SqliteTable VerifyRanges = new(
        "verify_ranges",
        [
            "job_id TEXT NOT NULL",
            "source_ns TEXT NOT NULL",
            "range_index INTEGER NOT NULL",
            "filter BLOB NOT NULL",
            "documents INTEGER NOT NULL DEFAULT 0",
            "differences INTEGER NOT NULL DEFAULT 0",
            "result TEXT",
            "compared_at TEXT",
        ],
        ["PRIMARY KEY (job_id, source_ns, range_index)", "FOREIGN KEY (job_id, source_ns) REFERENCES collections(job_id, source_ns)"],
        []);

    // An online job's following and its sync-back keep the same four kinds of records, each in tables of its own.
    private static readonly SqliteTable OnlineStatus = Status("online_status");

    /// <summary>Every table but schema_version, in the order a new file creates them.</summary>
    private static readonly SqliteTable[] All =
    [
        Jobs,
        PoolSettings,
        Collections,
        Chunks,
        Errors,
        Checkpoints("change_stream_checkpoints"),
        VerifyRanges,
        OnlineStatus,
        Checkpoints("sync_back_checkpoints"),
        Status("sync_back_status"),
        RecheckQueue("recheck_queue"),
        RecheckMismatches("recheck_mismatches"),
        RecheckQueue("sync_back_recheck_queue"),
        RecheckMismatches("sync_back_recheck_mismatches"),
    ];

    /// <summary>
    /// The columns added to tables an older version already had, in the order they came. Version 1 had no verification
    /// of collections; version 2 no collection UUIDs (a collection dropped or recreated under the job), no verification
    /// or re-copy of chunks and no digest of what was read; version 7 not the target's cluster time at the cutover in the
    /// online status; version 8 no count of the chunks a collection's verification compared (a sample's proof read back
    /// after a resume as a full one). A column added this way is empty: UUIDs unknown (not checked), chunks not verified,
    /// none to re-copy, a proof of every chunk.
    /// </summary>
    private static readonly (SqliteTable Table, string Column)[] AddedColumns =
    [
        (Collections, "verified_documents"),
        (Collections, "source_uuid"),
        (Collections, "target_uuid"),
        (Chunks, "verified_documents"),
        (Chunks, "replace_range"),
        (Chunks, "source_digest"),
        (OnlineStatus, "target_time"),
        (Collections, "verified_chunks"),
    ];

    /// <summary>Every table of a new file, each created only where it does not exist yet.</summary>
    public static readonly string Tables =
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);\n" + string.Join("\n", All.Select(table => table.Create));

    /// <summary>Records the version of a new file, upgrades an older one in one transaction, refuses a newer one.</summary>
    public static void EnsureVersion(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction();
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT version FROM schema_version";
        var found = read.ExecuteScalar();
        var version = found is null ? (int?)null : Convert.ToInt32(found, System.Globalization.CultureInfo.InvariantCulture);
        if (version > Version)
        {
            throw new MigrationException($"The state file {path} has schema version {version}; this mongomigrate understands up to version {Version}. Use the mongomigrate that created the job, or a newer one.");
        }

        if (version is not null && version < Version)
        {
            // Tables an older version lacked were created above, whole, and empty: version 3 had no change stream
            // checkpoints, version 4 no ranges of verification jobs, version 5 no online status, version 6 no recheck
            // queue of the continuous verification, version 7 no sync-back (its checkpoints and status) and version 8 no
            // recheck queue of a sync-back's verification; an older file's jobs are read as they were. The columns it
            // lacked are added to the tables it had.
            foreach (var (table, column) in AddedColumns)
            {
                AddColumn(connection, transaction, table, column);
            }
        }

        if (version != Version)
        {
            Execute(connection, transaction, "DELETE FROM schema_version");
            Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({Version})");
        }

        transaction.Commit();
    }

    private static void AddColumn(SqliteConnection connection, SqliteTransaction transaction, SqliteTable table, string column)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table.Name}') WHERE name = '{column}'";
        if (Convert.ToInt64(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            Execute(connection, transaction, $"ALTER TABLE {table.Name} ADD COLUMN {table.Column(column)}");
        }
    }

    private static SqliteTable Checkpoints(string name) => new(
        name,
        "job_id TEXT PRIMARY KEY REFERENCES jobs(job_id)",
        "start_time INTEGER NOT NULL",
        "sequence INTEGER NOT NULL",
        "resume_token BLOB",
        "applied_time INTEGER NOT NULL",
        "updated_at TEXT NOT NULL");

    private static SqliteTable Status(string name) => new(
        name,
        "job_id TEXT PRIMARY KEY REFERENCES jobs(job_id)",
        "phase TEXT NOT NULL",
        "events_captured INTEGER NOT NULL",
        "events_applied INTEGER NOT NULL",
        "records_pending INTEGER NOT NULL",
        "events_per_second REAL NOT NULL",
        "lag_seconds REAL",
        "source_time INTEGER NOT NULL",
        "applied_time INTEGER NOT NULL",
        "cutover_time INTEGER",
        "updated_at TEXT NOT NULL",
        "target_time INTEGER");

    private static SqliteTable RecheckQueue(string name) => new(
        name,
        [
            "job_id TEXT NOT NULL REFERENCES jobs(job_id)",
            "ns TEXT NOT NULL",
            "id BLOB NOT NULL",
            "first_seen INTEGER NOT NULL",
            "last_seen INTEGER NOT NULL",
            "generation INTEGER NOT NULL DEFAULT 0",
            "suspect_at INTEGER",
            "suspect_last_seen INTEGER",
        ],
        ["PRIMARY KEY (job_id, ns, id)"],
        [($"{name}_by_age", "(job_id, first_seen)")]);

    private static SqliteTable RecheckMismatches(string name) => new(
        name,
        [
            "job_id TEXT NOT NULL REFERENCES jobs(job_id)",
            "ns TEXT NOT NULL",
            "id BLOB NOT NULL",
            "description TEXT NOT NULL",
            "cluster_time INTEGER NOT NULL",
        ],
        ["PRIMARY KEY (job_id, ns, id)"],
        []);

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
