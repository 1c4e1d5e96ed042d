namespace MongoMigrate.Engine.DumpFormat;

/// <summary>A dump file, archive or metadata that is not in the mongodump format, naming the source and where it breaks.</summary>
public sealed class DumpFormatException : Exception
{
    public DumpFormatException(string sourceName, long? offset, string reason, Exception? innerException = null)
        : base($"{sourceName}: {reason}", innerException)
    {
        SourceName = sourceName;
        Offset = offset;
        Reason = reason;
    }

    public DumpFormatException()
        : this("dump", null, "invalid dump data")
    {
    }

    public DumpFormatException(string message)
        : this("dump", null, message)
    {
    }

    public DumpFormatException(string message, Exception innerException)
        : this("dump", null, message, innerException)
    {
    }

    /// <summary>The file, archive or namespace the caller named when it opened the source.</summary>
    public string SourceName { get; }

    /// <summary>Byte offset of the problem in the (decompressed) stream, when there is one.</summary>
    public long? Offset { get; }

    /// <summary>The message without the source name.</summary>
    public string Reason { get; }
}
