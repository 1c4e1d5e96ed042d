namespace MongoMigrate.Cluster.Storage;

/// <summary>The cluster's database cannot be used: one line, without the password, that says what to do.</summary>
public sealed class ClusterConnectionException : Engine.MigrationException
{
    public ClusterConnectionException()
    {
    }

    public ClusterConnectionException(string message)
        : base(message)
    {
    }

    public ClusterConnectionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
