namespace MongoMigrate.Engine.Migration;

/// <summary>After a chunk was written, the target's count of its _id range disagrees with what was read.</summary>
public sealed class ChunkCountMismatchException : MigrationException
{
    public ChunkCountMismatchException(string message)
        : base(message)
    {
    }

    public ChunkCountMismatchException()
    {
    }

    public ChunkCountMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
