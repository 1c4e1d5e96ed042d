namespace MongoMigrate.Cluster.Jobs;

/// <summary>Where a chunk of a cluster job is: waiting, leased to a silo, copied and proven, or given up on.</summary>
public enum ChunkPhase
{
    Pending,
    Leased,
    Done,
    Failed,
}
