namespace MongoMigrate.Cluster.Jobs;

/// <summary>The cluster's list of jobs (one grain, key <see cref="Key"/>): silos watch it to join every job submitted.</summary>
public interface IClusterRegistryGrain : IGrainWithStringKey
{
    public const string Key = "jobs";

    Task RegisterAsync(string jobId);

    /// <summary>The job ids, oldest first; <paramref name="observer"/> (when given) is told of the next ones.</summary>
    Task<IReadOnlyList<string>> WatchAsync(IClusterObserver? observer);
}
