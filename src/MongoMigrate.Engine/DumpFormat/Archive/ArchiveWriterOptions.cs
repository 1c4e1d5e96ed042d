using System.IO.Compression;

namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>How an <see cref="ArchiveWriter"/> cuts segments and compresses.</summary>
public sealed record ArchiveWriterOptions
{
    public static ArchiveWriterOptions Default { get; } = new();

    /// <summary>Compress the archive with gzip (mongodump --archive --gzip).</summary>
    public bool Gzip { get; init; }

    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>
    /// With <see cref="Gzip"/>: each producer compresses its own segments as separate gzip members, outside the
    /// output lock, so compression runs on as many threads as there are producers. The result is a concatenation
    /// of gzip members, which mongorestore (Go's gzip reader) and this library read as one stream.
    /// Off by default: mongodump writes a single gzip stream.
    /// </summary>
    public bool ParallelCompression { get; init; }

    /// <summary>A segment is written once its documents reach this many bytes.</summary>
    public int MaxSegmentBytes { get; init; } = 1024 * 1024;

    /// <summary>A segment is written once it holds this many documents.</summary>
    public int MaxSegmentDocuments { get; init; } = 10_000;

    /// <summary>Validate every document all the way down before writing it (framing is always checked).</summary>
    public bool ValidateDocuments { get; init; }

    /// <summary>Leave the output stream open when the writer completes or is disposed.</summary>
    public bool LeaveOpen { get; init; }
}
