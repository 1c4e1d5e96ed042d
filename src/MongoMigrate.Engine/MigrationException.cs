namespace MongoMigrate.Engine;

/// <summary>A migration cannot go on; the message is one line that says what is wrong and what to do, with no secrets.</summary>
public class MigrationException : Exception
{
    public MigrationException(string message)
        : base(message)
    {
    }

    public MigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MigrationException()
        : base("The migration failed.")
    {
    }
}
