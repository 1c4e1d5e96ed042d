namespace MongoMigrate.Cluster.Jobs;

/// <summary>Where a collection of a cluster job is: chunks being copied, its finish (indexes, verification) pending or leased, done or failed.</summary>
public enum ClusterCollectionPhase
{
    Copying,
    ToFinish,
    Finishing,
    Completed,
    Failed,
}
