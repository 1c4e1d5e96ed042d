namespace MongoMigrate.Engine.DumpFormat;

/// <summary>How a <see cref="BsonStreamReader"/> checks what it reads.</summary>
public sealed record BsonStreamReaderOptions
{
    /// <summary>The largest document the server stores internally (16 MiB plus 16 KiB for oplog entries and the like).</summary>
    public const int DefaultMaxDocumentSize = (16 * 1024 * 1024) + (16 * 1024);

    public static BsonStreamReaderOptions Default { get; } = new();

    /// <summary>Declared lengths above this are refused before anything is allocated for them.</summary>
    public int MaxDocumentSize { get; init; } = DefaultMaxDocumentSize;

    /// <summary>Validate every document all the way down (types, lengths, terminators), not just its frame.</summary>
    public bool ValidateDocuments { get; init; }

    /// <summary>With <see cref="ValidateDocuments"/>, also refuse strings and names that are not valid UTF-8.</summary>
    public bool CheckUtf8 { get; init; }

    /// <summary>Initial read-ahead buffer; it grows only to fit a larger document.</summary>
    public int BufferSize { get; init; } = 256 * 1024;

    /// <summary>Leave the stream open when the reader is disposed.</summary>
    public bool LeaveOpen { get; init; }
}
