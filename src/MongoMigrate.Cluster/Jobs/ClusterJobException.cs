namespace MongoMigrate.Cluster.Jobs;

/// <summary>A cluster job refused or failed, with a one-line reason that says what to do.</summary>
[GenerateSerializer]
public sealed class ClusterJobException : Exception
{
    public ClusterJobException()
    {
    }

    public ClusterJobException(string message)
        : base(message)
    {
    }

    public ClusterJobException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
