namespace MongoMigrate.Cluster.Jobs;

/// <summary>Holds the ids of the cluster's jobs in the grain storage and tells the watching silos of a new one.</summary>
public sealed class ClusterRegistryGrain([PersistentState("registry", ClusterStorage.Name)] IPersistentState<ClusterRegistryState> state) : Grain, IClusterRegistryGrain
{
    private readonly List<IClusterObserver> _watchers = [];

    public async Task RegisterAsync(string jobId)
    {
        if (state.State.JobIds.Contains(jobId, StringComparer.Ordinal))
        {
            return;
        }

        state.State.JobIds.Add(jobId);
        await state.WriteStateAsync();
        foreach (var watcher in _watchers)
        {
            _ = watcher.JobChangedAsync(jobId);
        }
    }

    public Task<IReadOnlyList<string>> WatchAsync(IClusterObserver? observer)
    {
        if (observer is not null && !_watchers.Contains(observer))
        {
            _watchers.Add(observer);
        }

        return Task.FromResult<IReadOnlyList<string>>([.. state.State.JobIds]);
    }
}
