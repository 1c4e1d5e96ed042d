namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>Bounds of the per-namespace buffers between an archive demultiplexer and its consumers.</summary>
public sealed record ArchiveDemultiplexerOptions
{
    public static ArchiveDemultiplexerOptions Default { get; } = new();

    /// <summary>A batch is handed over once its documents reach this many bytes.</summary>
    public int BatchBytes { get; init; } = 1024 * 1024;

    /// <summary>A batch is handed over once it holds this many documents (mongorestore inserts 1000 at a time).</summary>
    public int BatchDocuments { get; init; } = 1000;

    /// <summary>Batches waiting per namespace; the reader waits when a consumer falls this far behind.</summary>
    public int BatchesPerNamespace { get; init; } = 4;
}
