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
}
