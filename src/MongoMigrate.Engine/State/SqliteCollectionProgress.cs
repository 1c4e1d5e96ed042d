namespace MongoMigrate.Engine.State;

/// <summary>The collections of a job in the SQLite job state: their status, errors and index problems, and a reset that forgets a collection's chunks.</summary>
internal sealed class SqliteCollectionProgress(SqliteStateRunner db)
{
    public Task<IReadOnlyList<CollectionRecord>> GetCollectionsAsync(string jobId, CancellationToken cancellationToken) => db.QueryAsync(
        $"SELECT {SqliteJobStateRows.CollectionColumns} FROM collections WHERE job_id = $job ORDER BY rowid",
        SqliteJobStateRows.Collection,
        cancellationToken,
        ("$job", jobId));

    public async Task UpdateCollectionAsync(string jobId, string sourceNamespace, CollectionStatus status, string? error, string? indexErrors, CancellationToken cancellationToken)
    {
        var changed = await db.ExecuteAsync(
            "UPDATE collections SET status = $status, error = $error, index_errors = COALESCE($indexErrors, index_errors) WHERE job_id = $job AND source_ns = $ns",
            cancellationToken,
            ("$status", status.ToString()),
            ("$error", error),
            ("$indexErrors", indexErrors),
            ("$job", jobId),
            ("$ns", sourceNamespace)).ConfigureAwait(false);
        SqliteStateRunner.EnsureChanged(changed, $"collection {sourceNamespace}");
    }

    public async Task CompleteCollectionAsync(string jobId, string sourceNamespace, string? indexErrors, long? verifiedDocuments, int? verifiedChunks, CancellationToken cancellationToken)
    {
        var changed = await db.ExecuteAsync(
            "UPDATE collections SET status = 'Completed', error = NULL, index_errors = $indexErrors, verified_documents = $verified, verified_chunks = $verifiedChunks WHERE job_id = $job AND source_ns = $ns",
            cancellationToken,
            ("$indexErrors", indexErrors),
            ("$verified", verifiedDocuments),
            ("$verifiedChunks", verifiedDocuments is null ? null : verifiedChunks),
            ("$job", jobId),
            ("$ns", sourceNamespace)).ConfigureAwait(false);
        SqliteStateRunner.EnsureChanged(changed, $"collection {sourceNamespace}");
    }

    public Task ResetCollectionAsync(string jobId, CollectionRecord collection, CancellationToken cancellationToken) =>
        db.InTransactionAsync(
            transaction =>
            {
                db.Execute(transaction, "DELETE FROM chunks WHERE job_id = $job AND source_ns = $ns", ("$job", jobId), ("$ns", collection.SourceNamespace));
                db.UpsertCollection(transaction, jobId, collection with { ChunkCount = 0 });
            },
            cancellationToken);
}
