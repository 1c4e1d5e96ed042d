namespace MongoMigrate.Bson;

/// <summary>Bytes that are not valid BSON, with the offset where reading went wrong.</summary>
public sealed class BsonFormatException : Exception
{
    public BsonFormatException(string message, long offset)
        : base($"{message} (at byte offset {offset})")
    {
        Offset = offset;
        Reason = message;
    }

    public BsonFormatException()
        : this("invalid BSON", 0)
    {
    }

    public BsonFormatException(string message)
        : this(message, 0)
    {
    }

    public BsonFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Offset of the offending byte, relative to the start of the outermost buffer that was read.</summary>
    public long Offset { get; }

    /// <summary>The message without the offset.</summary>
    public string Reason { get; }
}
