namespace MongoMigrate.Cluster.Jobs;

/// <summary>
/// One cluster job (keyed by its id): holds the plan and hands out chunk leases. Every call is short: documents never
/// go through it, only which silo copies which chunk and what the copy proved.
/// </summary>
public interface IClusterJobGrain : IGrainWithStringKey
{
    /// <summary>Stores a new job. Submitting the same plan again changes nothing; another job under the same id is refused.</summary>
    Task SubmitAsync(ClusterJobPlan plan);

    /// <summary>The plan, or null when no job has this id.</summary>
    Task<ClusterJobPlan?> GetPlanAsync();

    /// <summary>Leases chunks (and collections to finish) to a silo, up to its share of the job's pools.</summary>
    Task<LeaseGrant> LeaseAsync(LeaseRequest request);

    /// <summary>A leased chunk's documents are proven on the target.</summary>
    Task CompleteChunkAsync(string silo, ChunkLease chunk, long documents, long bytes, ulong? sourceDigest);

    /// <summary>A leased chunk failed for good on its silo (after its attempts there).</summary>
    Task FailChunkAsync(string silo, ChunkLease chunk, string reason);

    /// <summary>A leased chunk goes back to pending: its silo could not finish it for a reason of its own (it is stopping, the cluster did not answer).</summary>
    Task ReturnChunkAsync(string silo, ChunkLease chunk);

    /// <summary>A collection's finish (remaining indexes, verification) is over: <paramref name="error"/> null when it succeeded.</summary>
    Task FinishCollectionAsync(string silo, int collection, long? verifiedDocuments, string? error);

    /// <summary>A silo leaves the job (it stops): what it holds goes back to pending.</summary>
    Task ReleaseSiloAsync(string silo);

    /// <summary>Returns the leases of silos that the cluster's membership declared dead.</summary>
    Task ReleaseDeadSilosAsync();

    /// <summary>Changes the job's pool sizes, cluster-wide (the silos learn their new shares at once).</summary>
    Task SetPoolSizesAsync(int dumpWorkers, int restoreWorkers);

    /// <summary>The job's status, or null when no job has this id.</summary>
    Task<ClusterJobStatus?> GetStatusAsync();

    /// <summary>Tells <paramref name="observer"/> of every change from now on (while this activation lives: followers ask again).</summary>
    Task FollowAsync(IClusterObserver observer);
}
