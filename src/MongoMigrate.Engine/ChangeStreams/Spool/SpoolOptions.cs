namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>How the spool lays out its files; validated once.</summary>
public sealed record SpoolOptions
{
    /// <summary>A segment is closed and a new one started once it holds this many bytes; a segment is deleted whole once applied.</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Buffer of the file writer and of each reader.</summary>
    public int BufferBytes { get; init; } = 64 * 1024;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferBytes, 4096);
    }
}
