namespace MongoMigrate.Engine.Migration;

/// <summary>A chunk file is missing, truncated or fails its checksum: the chunk must be dumped again.</summary>
public sealed class DamagedChunkFileException : MigrationException
{
    public DamagedChunkFileException(string message)
        : base(message)
    {
    }

    public DamagedChunkFileException()
    {
    }

    public DamagedChunkFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
