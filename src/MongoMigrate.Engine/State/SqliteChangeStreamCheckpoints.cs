using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>The change stream checkpoint's row in the SQLite job state (cluster times stored as the 64-bit integers they are).</summary>
internal static class SqliteChangeStreamCheckpoints
{
    /// <summary>The forward following's table (source to target).</summary>
    public const string Table = "change_stream_checkpoints";

    /// <summary>The sync-back's table (target back to source, after a cutover).</summary>
    public const string SyncBackTable = "sync_back_checkpoints";

    public delegate Task<int> Execute(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters);

    public delegate Task<IReadOnlyList<ChangeStreamCheckpoint>> Query(string sql, Func<SqliteDataReader, ChangeStreamCheckpoint> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters);

    public static async Task SaveAsync(ChangeStreamCheckpoint checkpoint, string now, Execute execute, CancellationToken cancellationToken, string table = Table)
    {
        try
        {
            await execute(
                $"""
                INSERT INTO {table} (job_id, start_time, sequence, resume_token, applied_time, updated_at)
                VALUES ($job, $start, $sequence, $token, $applied, $now)
                ON CONFLICT (job_id) DO UPDATE SET start_time = excluded.start_time, sequence = excluded.sequence,
                    resume_token = excluded.resume_token, applied_time = excluded.applied_time, updated_at = excluded.updated_at
                """,
                cancellationToken,
                ("$job", checkpoint.JobId),
                ("$start", unchecked((long)checkpoint.StartTime)),
                ("$sequence", checkpoint.Sequence),
                ("$token", checkpoint.ResumeToken),
                ("$applied", unchecked((long)checkpoint.AppliedTime)),
                ("$now", now)).ConfigureAwait(false);
        }
        catch (SqliteException error) when (error.SqliteErrorCode == 19)
        {
            throw new InvalidOperationException($"The job state has no job {checkpoint.JobId}.", error);
        }
    }

    public static async Task<ChangeStreamCheckpoint?> GetAsync(string jobId, Query query, CancellationToken cancellationToken, string table = Table) =>
        (await query(
            $"SELECT job_id, start_time, sequence, resume_token, applied_time FROM {table} WHERE job_id = $job",
            r => new ChangeStreamCheckpoint
            {
                JobId = r.GetString(0),
                StartTime = unchecked((ulong)r.GetInt64(1)),
                Sequence = r.GetInt64(2),
                ResumeToken = r.IsDBNull(3) ? null : (byte[])r.GetValue(3),
                AppliedTime = unchecked((ulong)r.GetInt64(4)),
            },
            cancellationToken,
            ("$job", jobId)).ConfigureAwait(false)).FirstOrDefault();
}
