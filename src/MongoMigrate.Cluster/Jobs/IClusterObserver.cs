using Orleans.Concurrency;

namespace MongoMigrate.Cluster.Jobs;

/// <summary>Told that a job changed (chunks returned, pool sizes, a new job, the end): the receiver asks again for what it needs.</summary>
public interface IClusterObserver : IGrainObserver
{
    [OneWay]
    Task JobChangedAsync(string jobId);
}
