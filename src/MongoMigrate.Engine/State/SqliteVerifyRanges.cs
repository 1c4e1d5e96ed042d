namespace MongoMigrate.Engine.State;

/// <summary>The rows of a verification job's ranges in the SQLite job state (table verify_ranges, schema v5).</summary>
internal static class SqliteVerifyRanges
{
    public delegate int Statement(string sql, params (string Name, object? Value)[] parameters);

    public delegate long Scalar(string sql, params (string Name, object? Value)[] parameters);

    public delegate Task Transaction(Action<Statement, Scalar> body, CancellationToken cancellationToken);

    public delegate Task<int> Execute(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters);

    public delegate Task<IReadOnlyList<T>> Query<T>(string sql, Func<Microsoft.Data.Sqlite.SqliteDataReader, T> map, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters);

    public static Task SavePlanAsync(string jobId, string sourceNamespace, IReadOnlyList<byte[]> filters, Transaction transaction, CancellationToken cancellationToken) =>
        transaction(
            (execute, scalar) =>
            {
                var compared = scalar("SELECT COUNT(*) FROM verify_ranges WHERE job_id = $job AND source_ns = $ns AND result IS NOT NULL", ("$job", jobId), ("$ns", sourceNamespace));
                if (compared > 0)
                {
                    throw new InvalidOperationException($"The verification plan of {sourceNamespace} cannot be replaced: {compared} of its ranges are compared.");
                }

                if (scalar("SELECT COUNT(*) FROM collections WHERE job_id = $job AND source_ns = $ns", ("$job", jobId), ("$ns", sourceNamespace)) == 0)
                {
                    throw new InvalidOperationException($"The job state has no collection {sourceNamespace} in job {jobId}.");
                }

                execute("DELETE FROM verify_ranges WHERE job_id = $job AND source_ns = $ns", ("$job", jobId), ("$ns", sourceNamespace));
                for (var index = 0; index < filters.Count; index++)
                {
                    execute(
                        "INSERT INTO verify_ranges (job_id, source_ns, range_index, filter) VALUES ($job, $ns, $index, $filter)",
                        ("$job", jobId),
                        ("$ns", sourceNamespace),
                        ("$index", index),
                        ("$filter", filters[index]));
                }
            },
            cancellationToken);

    public static Task<IReadOnlyList<VerifyRangeRecord>> GetAsync(string jobId, string sourceNamespace, Query<VerifyRangeRecord> query, CancellationToken cancellationToken) => query(
        "SELECT range_index, filter, documents, differences, result FROM verify_ranges WHERE job_id = $job AND source_ns = $ns ORDER BY range_index",
        r => new VerifyRangeRecord
        {
            SourceNamespace = sourceNamespace,
            Index = r.GetInt32(0),
            Filter = (byte[])r.GetValue(1),
            Documents = r.GetInt64(2),
            Differences = r.GetInt64(3),
            ResultJson = r.IsDBNull(4) ? null : r.GetString(4),
        },
        cancellationToken,
        ("$job", jobId),
        ("$ns", sourceNamespace));

    public static async Task RecordAsync(string jobId, string sourceNamespace, int index, long documents, long differences, string result, string now, Execute execute, CancellationToken cancellationToken)
    {
        var changed = await execute(
            "UPDATE verify_ranges SET documents = $documents, differences = $differences, result = $result, compared_at = $now WHERE job_id = $job AND source_ns = $ns AND range_index = $index",
            cancellationToken,
            ("$documents", documents),
            ("$differences", differences),
            ("$result", result),
            ("$now", now),
            ("$job", jobId),
            ("$ns", sourceNamespace),
            ("$index", index)).ConfigureAwait(false);
        if (changed == 0)
        {
            throw new InvalidOperationException($"The job state has no verification range {index} of {sourceNamespace} in job {jobId}.");
        }
    }

    public static Task<IReadOnlyList<VerifyRangeTotals>> TotalsAsync(string jobId, Query<VerifyRangeTotals> query, CancellationToken cancellationToken) => query(
        """
        SELECT source_ns, COUNT(*), COUNT(result), SUM(documents), SUM(differences) FROM verify_ranges
        WHERE job_id = $job GROUP BY source_ns ORDER BY source_ns
        """,
        r => new VerifyRangeTotals(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4)),
        cancellationToken,
        ("$job", jobId));
}
