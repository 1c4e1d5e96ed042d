using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>The online status's row in the SQLite job state (cluster times stored as the 64-bit integers they are).</summary>
internal static class SqliteOnlineStatus
{
    /// <summary>The forward following's table (source to target).</summary>
    public const string Table = "online_status";

    /// <summary>The sync-back's table (target back to source, after a cutover).</summary>
    public const string SyncBackTable = "sync_back_status";

    public static async Task SaveAsync(OnlineStatus status, string now, SqliteChangeStreamCheckpoints.Execute execute, CancellationToken cancellationToken, string table = Table)
    {
        try
        {
            await execute(
                $"""
                INSERT INTO {table} (job_id, phase, events_captured, events_applied, records_pending, events_per_second, lag_seconds, source_time, applied_time, cutover_time, updated_at, target_time)
                VALUES ($job, $phase, $captured, $applied, $pending, $rate, $lag, $source, $appliedTime, $cutover, $now, $targetTime)
                ON CONFLICT (job_id) DO UPDATE SET phase = excluded.phase, events_captured = excluded.events_captured,
                    events_applied = excluded.events_applied, records_pending = excluded.records_pending,
                    events_per_second = excluded.events_per_second, lag_seconds = excluded.lag_seconds,
                    source_time = excluded.source_time, applied_time = excluded.applied_time,
                    cutover_time = excluded.cutover_time, updated_at = excluded.updated_at, target_time = excluded.target_time
                """,
                cancellationToken,
                ("$job", status.JobId),
                ("$phase", status.Phase),
                ("$captured", status.EventsCaptured),
                ("$applied", status.EventsApplied),
                ("$pending", status.RecordsPending),
                ("$rate", status.EventsPerSecond),
                ("$lag", status.LagSeconds),
                ("$source", unchecked((long)status.SourceTime)),
                ("$appliedTime", unchecked((long)status.AppliedTime)),
                ("$cutover", status.CutoverTime is { } t ? unchecked((long)t) : null),
                ("$now", now),
                ("$targetTime", status.TargetTime is { } target ? unchecked((long)target) : null)).ConfigureAwait(false);
        }
        catch (SqliteException error) when (error.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException($"The job state has no job {status.JobId}.", error);
        }
    }

    public delegate Task<IReadOnlyList<OnlineStatus>> Query(string sql, Func<SqliteDataReader, OnlineStatus> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters);

    public static async Task<OnlineStatus?> GetAsync(string jobId, Query query, CancellationToken cancellationToken, string table = Table) =>
        (await query(
            $"""
            SELECT job_id, phase, events_captured, events_applied, records_pending, events_per_second, lag_seconds, source_time, applied_time, cutover_time, updated_at, target_time
            FROM {table} WHERE job_id = $job
            """,
            r => new OnlineStatus
            {
                JobId = r.GetString(0),
                Phase = r.GetString(1),
                EventsCaptured = r.GetInt64(2),
                EventsApplied = r.GetInt64(3),
                RecordsPending = r.GetInt64(4),
                EventsPerSecond = r.GetDouble(5),
                LagSeconds = r.IsDBNull(6) ? null : r.GetDouble(6),
                SourceTime = unchecked((ulong)r.GetInt64(7)),
                AppliedTime = unchecked((ulong)r.GetInt64(8)),
                CutoverTime = r.IsDBNull(9) ? null : unchecked((ulong)r.GetInt64(9)),
                UpdatedAt = DateTimeOffset.Parse(r.GetString(10), CultureInfo.InvariantCulture),
                TargetTime = r.IsDBNull(11) ? null : unchecked((ulong)r.GetInt64(11)),
            },
            cancellationToken,
            ("$job", jobId)).ConfigureAwait(false)).FirstOrDefault();
}
