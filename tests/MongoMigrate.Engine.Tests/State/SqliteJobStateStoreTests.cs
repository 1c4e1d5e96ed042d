using Microsoft.Data.Sqlite;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.State;

/// <summary>The SQLite store against the contract; a crash is a copy of its files taken while its connection is still open (no close, no checkpoint), as kill -9 leaves them.</summary>
public sealed class SqliteJobStateStoreTests : JobStateStoreContractTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mm-state-").FullName;
    private int _crashes;

    private string StatePath => Path.Combine(_folder, "state.db");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_read_only_store_reads_while_a_writer_holds_the_write_lock_and_cannot_change_anything()
    {
        await using var writer = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct);
        await writer.CreateJobAsync(new JobRecord { JobId = "j", DefinitionJson = "{}", Status = JobStatus.Running, CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() }, [], Ct);

        // Another connection in the middle of a change: a reader that took the write lock would wait for it (60 s here).
        await using var busy = new SqliteConnection($"Data Source={StatePath};Pooling=False");
        await busy.OpenAsync(Ct);
        await using var holding = busy.BeginTransaction(deferred: false);

        await using var reader = await SqliteJobStateStore.OpenReadOnlyAsync(StatePath, Ct);
        var job = await reader.GetJobAsync("j", Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal(JobStatus.Running, job?.Status);
        await Assert.ThrowsAsync<SqliteException>(() => reader.UpdateJobAsync("j", JobStatus.Failed, "no", Ct));
        holding.Rollback();
        Assert.Equal(JobStatus.Running, (await writer.GetJobAsync("j", Ct))?.Status);
    }

    [Fact]
    public async Task A_state_file_of_version_1_is_upgraded_in_place()
    {
        await using (var connection = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                INSERT INTO schema_version VALUES (1);
                CREATE TABLE jobs (job_id TEXT PRIMARY KEY, definition TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT);
                CREATE TABLE collections (job_id TEXT NOT NULL REFERENCES jobs(job_id), source_ns TEXT NOT NULL, target_ns TEXT NOT NULL, status TEXT NOT NULL,
                    estimated_count INTEGER NOT NULL, estimated_bytes INTEGER NOT NULL, chunk_count INTEGER NOT NULL, index_errors TEXT, error TEXT, PRIMARY KEY (job_id, source_ns));
                INSERT INTO jobs VALUES ('old', '{}', 'Stopped', '2025-01-01T00:00:00.0000000+00:00', '2025-01-01T00:00:00.0000000+00:00', NULL);
                INSERT INTO collections VALUES ('old', 'a.b', 'a.b', 'Copying', 10, 100, 0, NULL, NULL);
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var store = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct);

        var collection = Assert.Single(await store.GetCollectionsAsync("old", Ct));
        Assert.Equal(CollectionStatus.Copying, collection.Status);
        await store.CompleteCollectionAsync("old", "a.b", null, 10, null, Ct);
        Assert.Equal(10, (await store.GetCollectionsAsync("old", Ct))[0].VerifiedDocuments);
        await store.SavePoolSettingsAsync("old", new PoolSettings(1, 2, 3), Ct);
    }

    [Fact]
    public async Task A_state_file_upgraded_from_version_1_has_every_table_column_and_index_of_a_new_one()
    {
        var fresh = Path.Combine(_folder, "fresh.db");
        await (await SqliteJobStateStore.OpenAsync(fresh, Time, Ct)).DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                INSERT INTO schema_version VALUES (1);
                CREATE TABLE jobs (job_id TEXT PRIMARY KEY, definition TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT);
                CREATE TABLE collections (job_id TEXT NOT NULL REFERENCES jobs(job_id), source_ns TEXT NOT NULL, target_ns TEXT NOT NULL, status TEXT NOT NULL,
                    estimated_count INTEGER NOT NULL, estimated_bytes INTEGER NOT NULL, chunk_count INTEGER NOT NULL, index_errors TEXT, error TEXT, PRIMARY KEY (job_id, source_ns));
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        await (await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct)).DisposeAsync();

        var expected = await SchemaAsync(fresh);
        Assert.Contains("collections#12 verified_chunks INTEGER null=True default= pk=0", expected);
        Assert.Contains("index recheck_queue_by_age on recheck_queue", expected);
        Assert.Equal(expected, await SchemaAsync(StatePath));
    }

    [Fact]
    public async Task A_state_file_of_version_2_is_upgraded_in_place_with_nothing_verified_and_no_uuids_known()
    {
        await using (var connection = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                INSERT INTO schema_version VALUES (2);
                CREATE TABLE jobs (job_id TEXT PRIMARY KEY, definition TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT);
                CREATE TABLE collections (job_id TEXT NOT NULL REFERENCES jobs(job_id), source_ns TEXT NOT NULL, target_ns TEXT NOT NULL, status TEXT NOT NULL,
                    estimated_count INTEGER NOT NULL, estimated_bytes INTEGER NOT NULL, chunk_count INTEGER NOT NULL, index_errors TEXT, error TEXT,
                    verified_documents INTEGER, PRIMARY KEY (job_id, source_ns));
                CREATE TABLE chunks (job_id TEXT NOT NULL, source_ns TEXT NOT NULL, chunk_index INTEGER NOT NULL, filter BLOB NOT NULL, description TEXT NOT NULL,
                    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, documents INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
                    file TEXT, checksum INTEGER, error TEXT, PRIMARY KEY (job_id, source_ns, chunk_index));
                INSERT INTO jobs VALUES ('old', '{}', 'Completed', '2025-01-01T00:00:00.0000000+00:00', '2025-01-01T00:00:00.0000000+00:00', NULL);
                INSERT INTO collections VALUES ('old', 'a.b', 'a.b', 'Completed', 10, 100, 1, NULL, NULL, 10);
                INSERT INTO chunks VALUES ('old', 'a.b', 0, x'05000000', 'all', 'Restored', 2, 10, 100, NULL, NULL, NULL);
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var store = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct);

        var collection = Assert.Single(await store.GetCollectionsAsync("old", Ct));
        Assert.Equal((CollectionStatus.Completed, 10L, (Guid?)null, (Guid?)null), (collection.Status, collection.VerifiedDocuments, collection.SourceUuid, collection.TargetUuid));
        var chunk = Assert.Single(await store.GetChunksAsync("old", "a.b", Ct));
        Assert.Equal((ChunkStatus.Restored, (long?)null, false, (ulong?)null), (chunk.Status, chunk.VerifiedDocuments, chunk.ReplaceOnTarget, chunk.SourceDigest));
        await store.RecordChunkVerificationsAsync("old", "a.b", [new ChunkVerification(0, 9, "1 missing")], Ct);
        Assert.True((await store.GetChunksAsync("old", "a.b", Ct))[0].ReplaceOnTarget);
    }

    [Fact]
    public async Task A_state_file_of_version_4_is_upgraded_in_place_and_keeps_its_jobs_and_checkpoints()
    {
        await using (var connection = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                INSERT INTO schema_version VALUES (4);
                CREATE TABLE jobs (job_id TEXT PRIMARY KEY, definition TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, error TEXT);
                CREATE TABLE pool_settings (job_id TEXT PRIMARY KEY REFERENCES jobs(job_id), dump_workers INTEGER NOT NULL, restore_workers INTEGER NOT NULL,
                    insertion_workers INTEGER NOT NULL, updated_at TEXT NOT NULL);
                CREATE TABLE collections (job_id TEXT NOT NULL REFERENCES jobs(job_id), source_ns TEXT NOT NULL, target_ns TEXT NOT NULL, status TEXT NOT NULL,
                    estimated_count INTEGER NOT NULL, estimated_bytes INTEGER NOT NULL, chunk_count INTEGER NOT NULL, index_errors TEXT, error TEXT,
                    verified_documents INTEGER, source_uuid TEXT, target_uuid TEXT, PRIMARY KEY (job_id, source_ns));
                CREATE TABLE chunks (job_id TEXT NOT NULL, source_ns TEXT NOT NULL, chunk_index INTEGER NOT NULL, filter BLOB NOT NULL, description TEXT NOT NULL,
                    status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, documents INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
                    file TEXT, checksum INTEGER, error TEXT, verified_documents INTEGER, replace_range INTEGER NOT NULL DEFAULT 0, source_digest INTEGER,
                    PRIMARY KEY (job_id, source_ns, chunk_index), FOREIGN KEY (job_id, source_ns) REFERENCES collections(job_id, source_ns));
                CREATE TABLE errors (id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL REFERENCES jobs(job_id), at TEXT NOT NULL, kind TEXT NOT NULL,
                    source_ns TEXT, chunk_index INTEGER, attempt INTEGER, message TEXT NOT NULL);
                CREATE TABLE change_stream_checkpoints (job_id TEXT PRIMARY KEY REFERENCES jobs(job_id), start_time INTEGER NOT NULL, sequence INTEGER NOT NULL,
                    resume_token BLOB, applied_time INTEGER NOT NULL, updated_at TEXT NOT NULL);
                INSERT INTO jobs VALUES ('old', '{}', 'Running', '2026-01-01T00:00:00.0000000+00:00', '2026-01-01T00:00:00.0000000+00:00', NULL);
                INSERT INTO collections VALUES ('old', 'a.b', 'a.b', 'Copying', 10, 100, 1, NULL, NULL, NULL, NULL, NULL);
                INSERT INTO chunks VALUES ('old', 'a.b', 0, x'05000000', 'all', 'Restored', 1, 10, 100, NULL, NULL, NULL, NULL, 0, 7);
                INSERT INTO change_stream_checkpoints VALUES ('old', 42, 3, NULL, 43, '2026-01-01T00:00:00.0000000+00:00');
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using (var store = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct))
        {
            var chunk = Assert.Single(await store.GetChunksAsync("old", "a.b", Ct));
            Assert.Equal((ChunkStatus.Restored, 10L, (ulong?)7), (chunk.Status, chunk.Documents, chunk.SourceDigest));
            Assert.Equal((42UL, 3L, 43UL), (await store.GetChangeStreamCheckpointAsync("old", Ct)) is { } c ? (c.StartTime, c.Sequence, c.AppliedTime) : default);
            Assert.Empty(await store.GetVerifyRangesAsync("old", "a.b", Ct));
            await store.SaveVerifyPlanAsync("old", "a.b", [[5, 0, 0, 0, 0]], Ct);
            await store.RecordVerifyRangeAsync("old", "a.b", 0, 10, 0, "{}", Ct);
        }

        await using (var connection = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT version FROM schema_version";
            Assert.Equal(9L, await command.ExecuteScalarAsync(Ct));
        }
    }

    [Fact]
    public async Task A_version_7_file_gains_the_sync_back_whose_checkpoint_and_status_live_beside_the_forward_ones()
    {
        await using (var created = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct))
        {
            await created.CreateJobAsync(new JobRecord { JobId = "j", DefinitionJson = "{}", Status = JobStatus.Completed, CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() }, [], Ct);
        }

        // As version 7 left it: no sync-back tables, no target time in the online status.
        await using (var connection = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                DROP TABLE sync_back_checkpoints;
                DROP TABLE sync_back_status;
                ALTER TABLE online_status DROP COLUMN target_time;
                UPDATE schema_version SET version = 7;
                INSERT INTO online_status VALUES ('j', 'cut over', 5, 5, 0, 0, 0, 90, 90, 91, '2026-01-01T00:00:00.0000000+00:00');
                INSERT INTO change_stream_checkpoints VALUES ('j', 42, 3, NULL, 43, '2026-01-01T00:00:00.0000000+00:00');
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var store = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct);
        var old = await store.GetOnlineStatusAsync("j", Ct);
        Assert.Equal(("cut over", (ulong?)91, (ulong?)null), (old?.Phase, old?.CutoverTime, old?.TargetTime));
        Assert.Null(await store.SyncBack.GetChangeStreamCheckpointAsync("j", Ct));
        Assert.Null(await store.SyncBack.GetOnlineStatusAsync("j", Ct));

        await store.SaveOnlineStatusAsync(old! with { TargetTime = 77 }, Ct);
        await store.SyncBack.SaveChangeStreamCheckpointAsync(new ChangeStreamCheckpoint { JobId = "j", StartTime = 77, Sequence = 9, ResumeToken = [1, 2], AppliedTime = 80 }, Ct);
        await store.SyncBack.SaveOnlineStatusAsync(new OnlineStatus { JobId = "j", Phase = "following", EventsApplied = 9, LagSeconds = 0.5 }, Ct);

        Assert.Equal((ulong?)77, (await store.GetOnlineStatusAsync("j", Ct))?.TargetTime);
        Assert.Equal((42UL, 3L), (await store.GetChangeStreamCheckpointAsync("j", Ct)) is { } forward ? (forward.StartTime, forward.Sequence) : default);
        var back = await store.SyncBack.GetChangeStreamCheckpointAsync("j", Ct);
        Assert.Equal((77UL, 9L, 80UL), back is { } b ? (b.StartTime, b.Sequence, b.AppliedTime) : default);
        Assert.Equal([1, 2], back!.ResumeToken);
        Assert.Equal(("following", 9L, (double?)0.5), (await store.SyncBack.GetOnlineStatusAsync("j", Ct)) is { } s ? (s.Phase, s.EventsApplied, s.LagSeconds) : default);
        Assert.Equal("cut over", (await store.GetOnlineStatusAsync("j", Ct))?.Phase);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SyncBack.SaveChangeStreamCheckpointAsync(new ChangeStreamCheckpoint { JobId = "none", StartTime = 1 }, Ct));
    }

    [Fact]
    public async Task A_version_8_file_reads_its_proofs_as_full_and_then_keeps_how_many_chunks_a_sample_compared()
    {
        await using (var created = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct))
        {
            await created.CreateJobAsync(
                new JobRecord { JobId = "j", DefinitionJson = "{}", Status = JobStatus.Running, CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() },
                [new CollectionRecord { SourceNamespace = "a.old", TargetNamespace = "a.old", Status = CollectionStatus.Pending }, new CollectionRecord { SourceNamespace = "a.new", TargetNamespace = "a.new", Status = CollectionStatus.Pending }],
                Ct);
            await created.CompleteCollectionAsync("j", "a.old", null, 40, null, Ct);
        }

        // As version 8 left it: no count of the chunks a verification compared.
        await using (var connection = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE collections DROP COLUMN verified_chunks; UPDATE schema_version SET version = 8;";
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var store = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct);
        var old = (await store.GetCollectionsAsync("j", Ct)).Single(c => c.SourceNamespace == "a.old");
        Assert.Equal((40L, (int?)null), (old.VerifiedDocuments, old.VerifiedChunks));

        await store.CompleteCollectionAsync("j", "a.new", null, 12, 3, Ct);
        await store.CompleteCollectionAsync("j", "a.old", null, null, 5, Ct);

        var collections = await store.GetCollectionsAsync("j", Ct);
        Assert.Equal((12L, (int?)3), collections.Single(c => c.SourceNamespace == "a.new") is var n ? (n.VerifiedDocuments, n.VerifiedChunks) : default);
        // Not verified, no count of compared chunks either.
        Assert.Equal(((long?)null, (int?)null), collections.Single(c => c.SourceNamespace == "a.old") is var o ? (o.VerifiedDocuments, o.VerifiedChunks) : default);
    }

    [Fact]
    public async Task A_verification_keeps_its_ranges_and_their_results_through_a_crash()
    {
        var store = await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct);
        await store.CreateJobAsync(
            new JobRecord { JobId = "v", DefinitionJson = "{}", Status = JobStatus.Running, CreatedAt = Time.GetUtcNow(), UpdatedAt = Time.GetUtcNow() },
            [new CollectionRecord { SourceNamespace = "a.b", TargetNamespace = "c.b", Status = CollectionStatus.Pending }, new CollectionRecord { SourceNamespace = "a.c", TargetNamespace = "c.c", Status = CollectionStatus.Pending }],
            Ct);
        await store.SaveVerifyPlanAsync("v", "a.b", [[1], [2], [3]], Ct);
        await store.SaveVerifyPlanAsync("v", "a.c", [[9]], Ct);
        await store.RecordVerifyRangeAsync("v", "a.b", 1, 500, 2, "{\"two\":2}", Ct);
        await store.RecordVerifyRangeAsync("v", "a.c", 0, 7, 0, "{}", Ct);

        var crashed = await ReopenAfterCrashAsync(store);
        var reopened = (SqliteJobStateStore)crashed;
        await using (store)
        await using (reopened)
        {
            var ranges = await reopened.GetVerifyRangesAsync("v", "a.b", Ct);
            Assert.Equal([[1], [2], [3]], ranges.Select(r => r.Filter));
            Assert.Equal([false, true, false], ranges.Select(r => r.IsCompared));
            Assert.Equal((500L, 2L, "{\"two\":2}"), (ranges[1].Documents, ranges[1].Differences, ranges[1].ResultJson));
            Assert.Equal(
                [new VerifyRangeTotals("a.b", 3, 1, 500, 2), new VerifyRangeTotals("a.c", 1, 1, 7, 0)],
                await reopened.GetVerifyRangeTotalsAsync("v", Ct));

            // A plan with compared ranges is never replaced; an unknown range or collection is refused.
            await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.SaveVerifyPlanAsync("v", "a.b", [[4]], Ct));
            await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.SaveVerifyPlanAsync("v", "a.x", [[4]], Ct));
            await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.RecordVerifyRangeAsync("v", "a.b", 3, 1, 0, "{}", Ct));
        }
    }

    [Fact]
    public async Task A_state_file_from_a_newer_mongomigrate_is_refused_with_what_to_do()
    {
        await (await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct)).DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={StatePath};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99";
            await command.ExecuteNonQueryAsync(Ct);
        }

        var error = await Assert.ThrowsAsync<MigrationException>(() => SqliteJobStateStore.OpenAsync(StatePath, Time, Ct));

        Assert.Contains("version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains("Use the mongomigrate that created the job", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every table's columns (position, name, type, nullability, default, key) and every index, one line each.</summary>
    private async Task<List<string>> SchemaAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT m.name || '#' || c.cid || ' ' || c.name || ' ' || c.type || ' null=' || CASE c."notnull" WHEN 0 THEN 'True' ELSE 'False' END || ' default=' || IFNULL(c.dflt_value, '') || ' pk=' || c.pk
            FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table'
            UNION ALL SELECT 'index ' || name || ' on ' || tbl_name FROM sqlite_master WHERE type = 'index'
            """;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            lines.Add(reader.GetString(0));
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }

    protected override async Task<IJobStateStore> OpenAsync() => await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct);

    protected override async Task<IJobStateStore> ReopenAfterCrashAsync(IJobStateStore store)
    {
        var copy = Path.Combine(_folder, $"crash-{++_crashes}");
        Directory.CreateDirectory(copy);
        foreach (var suffix in new[] { string.Empty, "-wal" })
        {
            if (File.Exists(StatePath + suffix))
            {
                File.Copy(StatePath + suffix, Path.Combine(copy, "state.db" + suffix));
            }
        }

        return await SqliteJobStateStore.OpenAsync(Path.Combine(copy, "state.db"), Time, Ct);
    }

    protected override async Task<IJobStateStore> ReopenAfterCloseAsync(IJobStateStore store)
    {
        await store.DisposeAsync();
        return await SqliteJobStateStore.OpenAsync(StatePath, Time, Ct);
    }
}
