namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>What an archive reader has seen of one namespace so far.</summary>
public sealed class ArchiveNamespaceStatistics
{
    public long DocumentCount { get; internal set; }

    /// <summary>Bytes of the namespace's documents.</summary>
    public long ByteCount { get; internal set; }

    /// <summary>Segments (header + documents + terminator) that carried the namespace.</summary>
    public int SegmentCount { get; internal set; }

    /// <summary>CRC-64 of the documents read so far; equal to the EOF block's once <see cref="IsComplete"/>.</summary>
    public ulong Crc { get; internal set; }

    /// <summary>The namespace's EOF block was read and its CRC matched.</summary>
    public bool IsComplete { get; internal set; }

    /// <summary>The collection the segments named (system.buckets.&lt;name&gt; for time-series), once one was seen.</summary>
    public string? DataCollection { get; internal set; }
}
