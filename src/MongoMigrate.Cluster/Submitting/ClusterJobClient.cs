using System.Threading.Channels;
using MongoMigrate.Cluster.Jobs;

namespace MongoMigrate.Cluster.Submitting;

/// <summary>What a terminal does with a cluster: submit a job (every worker joins it), follow it to its end, list the jobs.</summary>
public sealed class ClusterJobClient(IGrainFactory grains, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Stores the job in its grain, then in the cluster's list, which the workers watch.</summary>
    public async Task SubmitAsync(ClusterJobPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        await grains.GetGrain<IClusterJobGrain>(plan.JobId).SubmitAsync(plan).ConfigureAwait(false);
        await grains.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).RegisterAsync(plan.JobId).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ClusterJobStatus>> ListAsync()
    {
        var ids = await grains.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key).WatchAsync(null).ConfigureAwait(false);
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IClusterJobGrain>(id).GetStatusAsync())).ConfigureAwait(false);
        return [.. statuses.OfType<ClusterJobStatus>()];
    }

    /// <summary>
    /// Every silo the membership table knows (ToParsableString, as jobs name them), with its status in lower case:
    /// active, joining, shuttingdown, stopping, dead. A silo killed without leaving shows dead once the others declared it so.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> SiloStatusesAsync()
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: false).ConfigureAwait(false);
        return hosts.ToDictionary(h => h.Key.ToParsableString(), h => h.Value.ToString().ToLowerInvariant(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Follows a job until it ends, telling <paramref name="onStatus"/> each status seen: woken by the job grain's news,
    /// and asking again every <paramref name="recheck"/> (news is lost when the grain moves to another silo).
    /// </summary>
    public async Task<ClusterJobStatus> FollowAsync(string jobId, Action<ClusterJobStatus>? onStatus, TimeSpan recheck, CancellationToken cancellationToken)
    {
        var job = grains.GetGrain<IClusterJobGrain>(jobId);
        var news = new News();
        var observer = grains.CreateObjectReference<IClusterObserver>(news);
        try
        {
            while (true)
            {
                ClusterJobStatus? status = null;
                try
                {
                    await job.FollowAsync(observer).WaitAsync(cancellationToken).ConfigureAwait(false);
                    status = await job.GetStatusAsync().WaitAsync(cancellationToken).ConfigureAwait(false)
                        ?? throw new ClusterJobException($"The cluster has no job {jobId}: `mongomigrate jobs --cluster` lists them.");
                    onStatus?.Invoke(status);
                    if (status.Ended)
                    {
                        return status;
                    }
                }
                catch (Exception e) when (e is not (OperationCanceledException or ClusterJobException) && !cancellationToken.IsCancellationRequested)
                {
                    // The grain is moving to another silo (its silo died): ask again below.
                }

                using var timeout = new CancellationTokenSource(recheck, _time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                try
                {
                    await news.Changed.Reader.ReadAsync(either.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }
        }
        finally
        {
            grains.DeleteObjectReference<IClusterObserver>(observer);
        }
    }

    private sealed class News : IClusterObserver
    {
        public Channel<bool> Changed { get; } = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

        public Task JobChangedAsync(string jobId)
        {
            Changed.Writer.TryWrite(true);
            return Task.CompletedTask;
        }
    }
}
