using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>
/// The recheck queue and its mismatches in the SQLite job state (tables recheck_queue and recheck_mismatches, schema
/// v7; a sync-back's in sync_back_recheck_queue and sync_back_recheck_mismatches, schema v9), on the store's one
/// connection and commit queue. Cluster times are stored as the 64-bit integers they are.
/// </summary>
/// <param name="queue">The store's commit queue.</param>
/// <param name="statements">The store's prepared statements.</param>
/// <param name="tables">The queue's table and its mismatches' table.</param>
internal sealed class SqliteRecheckQueue(SqliteCommitQueue queue, SqliteStatements statements, (string Queue, string Mismatches) tables) : IRecheckQueueStore
{
    /// <summary>The forward following's tables (an online migrate).</summary>
    public static readonly (string Queue, string Mismatches) ForwardTables = ("recheck_queue", "recheck_mismatches");

    /// <summary>A sync-back's tables: its keys are the target's documents, followed back to the source.</summary>
    public static readonly (string Queue, string Mismatches) SyncBackTables = ("sync_back_recheck_queue", "sync_back_recheck_mismatches");

    private readonly string _queue = tables.Queue;
    private readonly string _mismatches = tables.Mismatches;

    public Task EnqueueRechecksAsync(string jobId, IReadOnlyList<(string Namespace, byte[] Id, ulong ClusterTime)> keys, CancellationToken cancellationToken) =>
        queue.RunAsync(
            transaction =>
            {
                foreach (var (ns, id, time) in keys)
                {
                    Execute(
                        transaction,
                        $"""
                        INSERT INTO {_queue} (job_id, ns, id, first_seen, last_seen) VALUES ($job, $ns, $id, $time, $time)
                        ON CONFLICT (job_id, ns, id) DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen)
                        """,
                        ("$job", jobId),
                        ("$ns", ns),
                        ("$id", id),
                        ("$time", unchecked((long)time)));
                }

                return true;
            },
            cancellationToken);

    public Task<IReadOnlyList<RecheckEntry>> GetRechecksDueAsync(string jobId, ulong appliedTime, int limit, CancellationToken cancellationToken) =>
        queue.RunAsync<IReadOnlyList<RecheckEntry>>(
            transaction =>
            {
                using var reader = statements.For(
                    transaction,
                    $"""
                    SELECT ns, id, first_seen, last_seen, generation, suspect_at, suspect_last_seen FROM {_queue}
                    WHERE job_id = $job AND last_seen <= $applied AND COALESCE(suspect_at, 0) <= $applied
                    ORDER BY first_seen LIMIT $limit
                    """,
                    [("$job", jobId), ("$applied", AtMost(appliedTime)), ("$limit", limit)]).ExecuteReader();
                var due = new List<RecheckEntry>();
                while (reader.Read())
                {
                    due.Add(new RecheckEntry
                    {
                        Namespace = reader.GetString(0),
                        Id = (byte[])reader.GetValue(1),
                        FirstSeen = unchecked((ulong)reader.GetInt64(2)),
                        LastSeen = unchecked((ulong)reader.GetInt64(3)),
                        Generation = reader.GetInt32(4),
                        SuspectAt = reader.IsDBNull(5) ? null : unchecked((ulong)reader.GetInt64(5)),
                        SuspectLastSeen = reader.IsDBNull(6) ? null : unchecked((ulong)reader.GetInt64(6)),
                    });
                }

                return due;
            },
            cancellationToken);

    public Task RemoveRechecksAsync(string jobId, IReadOnlyList<RecheckEntry> entries, CancellationToken cancellationToken) => ForEachAsync(
        entries,
        $"""
        DELETE FROM {_queue} WHERE job_id = $job AND ns = $ns AND id = $id AND last_seen = $last;
        UPDATE {_queue} SET first_seen = last_seen, suspect_at = NULL, suspect_last_seen = NULL WHERE job_id = $job AND ns = $ns AND id = $id
        """,
        jobId,
        e => [("$last", unchecked((long)e.LastSeen))],
        cancellationToken);

    public Task MarkRechecksSuspectAsync(string jobId, IReadOnlyList<RecheckEntry> entries, ulong sourceTime, CancellationToken cancellationToken) => ForEachAsync(
        entries,
        $"UPDATE {_queue} SET suspect_at = $at, suspect_last_seen = $last, generation = generation + 1 WHERE job_id = $job AND ns = $ns AND id = $id",
        jobId,
        e => [("$at", unchecked((long)sourceTime)), ("$last", unchecked((long)e.LastSeen))],
        cancellationToken);

    public Task RecordRecheckMismatchesAsync(string jobId, IReadOnlyList<RecheckMismatch> mismatches, CancellationToken cancellationToken) =>
        queue.RunAsync(
            transaction =>
            {
                foreach (var m in mismatches)
                {
                    Execute(
                        transaction,
                        $"""
                        INSERT INTO {_mismatches} (job_id, ns, id, description, cluster_time) VALUES ($job, $ns, $id, $description, $time)
                        ON CONFLICT (job_id, ns, id) DO UPDATE SET description = excluded.description, cluster_time = excluded.cluster_time
                        """,
                        ("$job", jobId),
                        ("$ns", m.Namespace),
                        ("$id", m.Id),
                        ("$description", m.Description),
                        ("$time", unchecked((long)m.ClusterTime)));
                    Execute(transaction, $"DELETE FROM {_queue} WHERE job_id = $job AND ns = $ns AND id = $id", ("$job", jobId), ("$ns", m.Namespace), ("$id", m.Id));
                }

                return true;
            },
            cancellationToken);

    public Task<ulong?> GetOldestRecheckAsync(string jobId, ulong upTo, CancellationToken cancellationToken) =>
        queue.RunAsync(
            transaction =>
            {
                var oldest = statements.For(
                    transaction,
                    $"SELECT MIN(first_seen) FROM {_queue} WHERE job_id = $job AND first_seen <= $upTo",
                    [("$job", jobId), ("$upTo", AtMost(upTo))]).ExecuteScalar();
                return oldest is null or DBNull ? (ulong?)null : unchecked((ulong)Convert.ToInt64(oldest, CultureInfo.InvariantCulture));
            },
            cancellationToken);

    public Task<IReadOnlyList<RecheckMismatch>> GetRecheckMismatchesAsync(string jobId, CancellationToken cancellationToken) =>
        queue.RunAsync<IReadOnlyList<RecheckMismatch>>(
            transaction =>
            {
                using var reader = statements.For(
                    transaction,
                    $"SELECT ns, id, description, cluster_time FROM {_mismatches} WHERE job_id = $job ORDER BY ns, cluster_time",
                    [("$job", jobId)]).ExecuteReader();
                var found = new List<RecheckMismatch>();
                while (reader.Read())
                {
                    found.Add(new RecheckMismatch(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2), unchecked((ulong)reader.GetInt64(3))));
                }

                return found;
            },
            cancellationToken);

    public Task<RecheckQueueSize> GetRecheckQueueSizeAsync(string jobId, CancellationToken cancellationToken) =>
        queue.RunAsync(
            transaction =>
            {
                using var reader = statements.For(
                    transaction,
                    $"SELECT COUNT(*), MIN(first_seen), (SELECT COUNT(*) FROM {_mismatches} WHERE job_id = $job) FROM {_queue} WHERE job_id = $job",
                    [("$job", jobId)]).ExecuteReader();
                reader.Read();
                return new RecheckQueueSize(reader.GetInt64(0), reader.IsDBNull(1) ? null : unchecked((ulong)reader.GetInt64(1)), reader.GetInt64(2));
            },
            cancellationToken);

    public Task RequeueRecheckMismatchesAsync(string jobId, ulong clusterTime, CancellationToken cancellationToken) =>
        queue.RunAsync(
            transaction =>
            {
                Execute(
                    transaction,
                    $"""
                    INSERT INTO {_queue} (job_id, ns, id, first_seen, last_seen) SELECT job_id, ns, id, $time, $time FROM {_mismatches} WHERE job_id = $job
                    ON CONFLICT (job_id, ns, id) DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen)
                    """,
                    ("$job", jobId),
                    ("$time", unchecked((long)clusterTime)));
                Execute(transaction, $"DELETE FROM {_mismatches} WHERE job_id = $job", ("$job", jobId));
                return true;
            },
            cancellationToken);

    private Task ForEachAsync(IReadOnlyList<RecheckEntry> entries, string sql, string jobId, Func<RecheckEntry, (string Name, object? Value)[]> extra, CancellationToken cancellationToken) =>
        queue.RunAsync(
            transaction =>
            {
                foreach (var entry in entries)
                {
                    Execute(transaction, sql, [.. extra(entry), ("$job", jobId), ("$ns", entry.Namespace), ("$id", entry.Id)]);
                }

                return true;
            },
            cancellationToken);

    /// <summary>A bound for a comparison with stored times: a cluster time's seconds stay below 2^31, so any larger bound means "all".</summary>
    private static long AtMost(ulong time) => (long)Math.Min(time, long.MaxValue);

    private int Execute(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters) =>
        statements.For(transaction, sql, parameters).ExecuteNonQuery();
}
