namespace MongoMigrate.Engine.State;

/// <summary>
/// The chunks of a job in the SQLite job state: a collection's plan, each chunk's attempts and guarded transitions
/// (Planned, Dumped, Restored, Failed; Restored is final), what verifying them found, and their totals.
/// </summary>
internal sealed class SqliteChunkProgress(SqliteStateRunner db)
{
    public Task SaveCollectionPlanAsync(string jobId, CollectionRecord collection, IReadOnlyList<ChunkRecord> chunks, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            transaction =>
            {
                var started = db.Count(
                    transaction,
                    "SELECT COUNT(*) FROM chunks WHERE job_id = $job AND source_ns = $ns AND (status <> 'Planned' OR attempts > 0)",
                    ("$job", jobId),
                    ("$ns", collection.SourceNamespace));
                if (started > 0)
                {
                    throw new InvalidOperationException($"The plan of {collection.SourceNamespace} cannot be replaced: {started} of its chunks have progress.");
                }

                db.Execute(transaction, "DELETE FROM chunks WHERE job_id = $job AND source_ns = $ns", ("$job", jobId), ("$ns", collection.SourceNamespace));
                db.UpsertCollection(transaction, jobId, collection with { ChunkCount = chunks.Count });
                foreach (var chunk in chunks)
                {
                    db.Execute(
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

    public Task RecordChunkVerificationsAsync(string jobId, string sourceNamespace, IReadOnlyList<ChunkVerification> results, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            transaction =>
            {
                foreach (var result in results)
                {
                    var changed = result.IsEqual
                        ? db.Execute(transaction, ChunkUpdate("verified_documents = $verified", "status = 'Restored'"), ("$verified", result.Identical), ("$job", jobId), ("$ns", sourceNamespace), ("$index", result.Index))
                        : db.Execute(
                            transaction,
                            ChunkUpdate("status = 'Planned', replace_range = 1, verified_documents = NULL, file = NULL, error = $error", null),
                            ("$error", result.Difference),
                            ("$job", jobId),
                            ("$ns", sourceNamespace),
                            ("$index", result.Index));
                    SqliteStateRunner.EnsureChanged(changed, $"restored chunk {result.Index} of {sourceNamespace}");
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<ChunkRecord>> GetChunksAsync(string jobId, string sourceNamespace, CancellationToken cancellationToken) => db.QueryAsync(
        $"SELECT {SqliteJobStateRows.ChunkColumns} FROM chunks WHERE job_id = $job AND source_ns = $ns ORDER BY chunk_index",
        r => SqliteJobStateRows.Chunk(r, sourceNamespace),
        cancellationToken,
        ("$job", jobId),
        ("$ns", sourceNamespace));

    public Task<IReadOnlyList<ChunkTotals>> GetChunkTotalsAsync(string jobId, CancellationToken cancellationToken) => db.QueryAsync(
        "SELECT source_ns, status, COUNT(*), SUM(documents), SUM(bytes) FROM chunks WHERE job_id = $job GROUP BY source_ns, status ORDER BY source_ns, status",
        r => new ChunkTotals(r.GetString(0), Enum.Parse<ChunkStatus>(r.GetString(1)), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4)),
        cancellationToken,
        ("$job", jobId));

    public async Task RecordAttemptAsync(string jobId, string sourceNamespace, int index, CancellationToken cancellationToken) =>
        SqliteStateRunner.EnsureChanged(await UpdateChunkAsync("attempts = attempts + 1", null, jobId, sourceNamespace, index, cancellationToken).ConfigureAwait(false), $"chunk {index} of {sourceNamespace}");

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
        SqliteStateRunner.EnsureChanged(
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

    /// <summary>An update that applies only from the states <paramref name="guard"/> allows; false when the chunk is in another one.</summary>
    private Task<bool> GuardedChunkUpdateAsync(string assignments, string guard, string jobId, string sourceNamespace, int index, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        db.RunAsync(
            transaction =>
            {
                if (db.Execute(transaction, ChunkUpdate(assignments, guard), [.. parameters, ("$job", jobId), ("$ns", sourceNamespace), ("$index", index)]) > 0)
                {
                    return true;
                }

                var exists = db.Count(
                    transaction,
                    "SELECT COUNT(*) FROM chunks WHERE job_id = $job AND source_ns = $ns AND chunk_index = $index",
                    ("$job", jobId),
                    ("$ns", sourceNamespace),
                    ("$index", index));
                SqliteStateRunner.EnsureChanged((int)exists, $"chunk {index} of {sourceNamespace}");
                return false;
            },
            cancellationToken);

    private Task<int> UpdateChunkAsync(string assignments, string? guard, string jobId, string sourceNamespace, int index, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        db.ExecuteAsync(ChunkUpdate(assignments, guard), cancellationToken, [.. parameters, ("$job", jobId), ("$ns", sourceNamespace), ("$index", index)]);

    private static string ChunkUpdate(string assignments, string? guard) =>
        $"UPDATE chunks SET {assignments} WHERE job_id = $job AND source_ns = $ns AND chunk_index = $index{(guard is null ? string.Empty : " AND " + guard)}";
}
