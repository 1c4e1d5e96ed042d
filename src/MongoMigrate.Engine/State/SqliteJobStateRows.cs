using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MongoMigrate.Engine.State;

/// <summary>The columns the SQLite job state reads, and the records made from its rows.</summary>
internal static class SqliteJobStateRows
{
    public const string ChunkColumns = "chunk_index, filter, description, status, attempts, documents, bytes, file, checksum, error, verified_documents, replace_range, source_digest";

    public const string CollectionColumns = "source_ns, target_ns, status, estimated_count, estimated_bytes, chunk_count, index_errors, error, verified_documents, source_uuid, target_uuid, verified_chunks";

    public const string JobColumns = "job_id, definition, status, created_at, updated_at, error";

    public static ChunkRecord Chunk(SqliteDataReader r, string sourceNamespace) => new()
    {
        SourceNamespace = sourceNamespace,
        Index = r.GetInt32(0),
        Filter = (byte[])r.GetValue(1),
        Description = r.GetString(2),
        Status = Enum.Parse<ChunkStatus>(r.GetString(3)),
        Attempts = r.GetInt32(4),
        Documents = r.GetInt64(5),
        Bytes = r.GetInt64(6),
        File = r.IsDBNull(7) ? null : r.GetString(7),
        Checksum = r.IsDBNull(8) ? null : unchecked((ulong)r.GetInt64(8)),
        Error = r.IsDBNull(9) ? null : r.GetString(9),
        VerifiedDocuments = r.IsDBNull(10) ? null : r.GetInt64(10),
        ReplaceOnTarget = r.GetInt64(11) != 0,
        SourceDigest = r.IsDBNull(12) ? null : unchecked((ulong)r.GetInt64(12)),
    };

    public static CollectionRecord Collection(SqliteDataReader r) => new()
    {
        SourceNamespace = r.GetString(0),
        TargetNamespace = r.GetString(1),
        Status = Enum.Parse<CollectionStatus>(r.GetString(2)),
        EstimatedCount = r.GetInt64(3),
        EstimatedBytes = r.GetInt64(4),
        ChunkCount = r.GetInt32(5),
        IndexErrors = r.IsDBNull(6) ? null : r.GetString(6),
        Error = r.IsDBNull(7) ? null : r.GetString(7),
        VerifiedDocuments = r.IsDBNull(8) ? null : r.GetInt64(8),
        SourceUuid = r.IsDBNull(9) ? null : Guid.Parse(r.GetString(9), CultureInfo.InvariantCulture),
        TargetUuid = r.IsDBNull(10) ? null : Guid.Parse(r.GetString(10), CultureInfo.InvariantCulture),
        VerifiedChunks = r.IsDBNull(11) ? null : r.GetInt32(11),
    };

    public static JobRecord Job(SqliteDataReader r) => new()
    {
        JobId = r.GetString(0),
        DefinitionJson = r.GetString(1),
        Status = Enum.Parse<JobStatus>(r.GetString(2)),
        CreatedAt = DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture),
        UpdatedAt = DateTimeOffset.Parse(r.GetString(4), CultureInfo.InvariantCulture),
        Error = r.IsDBNull(5) ? null : r.GetString(5),
    };

    /// <summary>The values of <see cref="CollectionColumns"/> (after job_id) for an insert.</summary>
    public static (string Name, object? Value)[] CollectionValues(string jobId, CollectionRecord collection) =>
    [
        ("$job", jobId),
        ("$ns", collection.SourceNamespace),
        ("$target", collection.TargetNamespace),
        ("$status", collection.Status.ToString()),
        ("$count", collection.EstimatedCount),
        ("$bytes", collection.EstimatedBytes),
        ("$chunks", collection.ChunkCount),
        ("$indexErrors", collection.IndexErrors),
        ("$error", collection.Error),
        ("$verified", collection.VerifiedDocuments),
        ("$sourceUuid", collection.SourceUuid?.ToString()),
        ("$targetUuid", collection.TargetUuid?.ToString()),
        ("$verifiedChunks", collection.VerifiedChunks),
    ];

    public const string UpsertCollection =
        $"""
        INSERT INTO collections (job_id, {CollectionColumns})
        VALUES ($job, $ns, $target, $status, $count, $bytes, $chunks, $indexErrors, $error, $verified, $sourceUuid, $targetUuid, $verifiedChunks)
        ON CONFLICT (job_id, source_ns) DO UPDATE SET
            target_ns = excluded.target_ns, status = excluded.status, estimated_count = excluded.estimated_count,
            estimated_bytes = excluded.estimated_bytes, chunk_count = excluded.chunk_count,
            index_errors = excluded.index_errors, error = excluded.error, verified_documents = excluded.verified_documents,
            source_uuid = excluded.source_uuid, target_uuid = excluded.target_uuid, verified_chunks = excluded.verified_chunks
        """;
}
