namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>How an <see cref="ArchiveReader"/> checks what it reads.</summary>
public sealed record ArchiveReaderOptions
{
    public static ArchiveReaderOptions Default { get; } = new();

    /// <summary>Validate every document all the way down, not just its frame.</summary>
    public bool ValidateDocuments { get; init; }

    /// <summary>With <see cref="ValidateDocuments"/>, also refuse strings and names that are not valid UTF-8.</summary>
    public bool CheckUtf8 { get; init; }

    /// <summary>Initial read-ahead buffer; it grows only to fit a larger document.</summary>
    public int BufferSize { get; init; } = 256 * 1024;

    /// <summary>Leave the input stream open when the reader is disposed.</summary>
    public bool LeaveOpen { get; init; }
}
