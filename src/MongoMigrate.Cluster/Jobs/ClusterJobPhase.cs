namespace MongoMigrate.Cluster.Jobs;

/// <summary>A cluster job as a whole.</summary>
public enum ClusterJobPhase
{
    Running,
    Completed,
    Failed,
}
