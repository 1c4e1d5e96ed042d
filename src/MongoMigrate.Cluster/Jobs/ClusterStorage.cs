namespace MongoMigrate.Cluster.Jobs;

/// <summary>The name of the grain storage that holds the cluster's job grains.</summary>
public static class ClusterStorage
{
    public const string Name = "mongomigrate";
}
