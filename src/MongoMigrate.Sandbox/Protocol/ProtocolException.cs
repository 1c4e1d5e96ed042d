namespace MongoMigrate.Sandbox.Protocol;

/// <summary>A client sent bytes that are not a valid message; its connection is closed.</summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string message)
        : base(message)
    {
    }

    public ProtocolException()
        : base("invalid wire protocol message")
    {
    }

    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
