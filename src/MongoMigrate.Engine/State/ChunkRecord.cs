namespace MongoMigrate.Engine.State;

/// <summary>A chunk as stored: its _id range filter (raw BSON), status, attempts and what was copied.</summary>
public sealed record ChunkRecord
{
    public required string SourceNamespace { get; init; }

    public required int Index { get; init; }

    /// <summary>The chunk's filter as BSON bytes, exactly as planned.</summary>
    public required byte[] Filter { get; init; }

    public required string Description { get; init; }

    public ChunkStatus Status { get; init; }

    public int Attempts { get; init; }

    public long Documents { get; init; }

    public long Bytes { get; init; }

    /// <summary>The dump file (relative to the job folder) and its CRC-64, once dumped.</summary>
    public string? File { get; init; }

    public ulong? Checksum { get; init; }

    public string? Error { get; init; }

    /// <summary>Documents found identical on both sides when the chunk was last verified; null when it was not (or not since its last copy).</summary>
    public long? VerifiedDocuments { get; init; }

    /// <summary>
    /// The chunk's _id range on the target must be emptied before it is copied again: a verification found the target's
    /// documents there different from the source's. Cleared when the chunk is restored again.
    /// </summary>
    public bool ReplaceOnTarget { get; init; }

    /// <summary>
    /// Once restored: the digest of the documents as read from the source (<see cref="Verification.DocumentDigest"/>), so
    /// that a verification can tell a source written since the copy from a target that lost or changed documents.
    /// </summary>
    public ulong? SourceDigest { get; init; }
}
