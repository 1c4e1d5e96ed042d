namespace MongoMigrate.Engine.Dumping;

/// <summary>Writing a dump's output failed (disk full, file system error): retrying the read cannot help.</summary>
public sealed class DumpOutputException : MigrationException
{
    public DumpOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DumpOutputException(string message)
        : base(message)
    {
    }

    public DumpOutputException()
    {
    }
}
