using System.Globalization;

namespace MongoMigrate.Engine.ChangeStreams.Spool;

/// <summary>One segment file: the sequence number of its first record and how many of its bytes readers may read.</summary>
internal sealed class SpoolSegment(string path, long firstSequence, long committedBytes)
{
    private const string Extension = ".spool";

    private long _committedBytes = committedBytes;
    private long _nextSequence = firstSequence;
    private volatile bool _sealed;

    public string Path { get; } = path;

    public long FirstSequence { get; } = firstSequence;

    /// <summary>Bytes written and flushed: readers never read past them.</summary>
    public long CommittedBytes => Volatile.Read(ref _committedBytes);

    /// <summary>The sequence number after this segment's last committed record.</summary>
    public long NextSequence => Volatile.Read(ref _nextSequence);

    /// <summary>Whether the writer moved on to a later segment: this one grows no more.</summary>
    public bool IsSealed => _sealed;

    public void Commit(long bytes, long nextSequence)
    {
        Volatile.Write(ref _nextSequence, nextSequence);
        Volatile.Write(ref _committedBytes, bytes);
    }

    public void Seal() => _sealed = true;

    /// <summary>The disk budget this segment holds, given back when it is deleted.</summary>
    public long Reserved { get; set; }

    public static string FileName(long firstSequence) => firstSequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    public static bool TryParseFileName(string path, out long firstSequence)
    {
        firstSequence = 0;
        var name = System.IO.Path.GetFileName(path);
        return name.EndsWith(Extension, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, name.Length - Extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out firstSequence);
    }
}
