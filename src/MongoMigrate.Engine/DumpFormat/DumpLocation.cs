namespace MongoMigrate.Engine.DumpFormat;

/// <summary>Where a dump is written to or read from: a mongodump directory, an archive file, or an archive stream (stdin/stdout).</summary>
public sealed class DumpLocation
{
    private DumpLocation(bool isArchive, string? path, Stream? stream, string display)
    {
        IsArchive = isArchive;
        Path = path;
        Stream = stream;
        Display = display;
    }

    /// <summary>True for an archive (file or stream), false for a directory.</summary>
    public bool IsArchive { get; }

    /// <summary>The directory or archive file; null for a stream.</summary>
    public string? Path { get; }

    /// <summary>The archive stream; null for a file or directory. The caller owns it.</summary>
    public Stream? Stream { get; }

    /// <summary>How messages name it.</summary>
    public string Display { get; }

    public static DumpLocation Directory(string path) => new(false, path, null, path);

    public static DumpLocation ArchiveFile(string path) => new(true, path, null, path);

    public static DumpLocation ArchiveStream(Stream stream, string display) => new(true, null, stream, display);

    public override string ToString() => Display;
}
