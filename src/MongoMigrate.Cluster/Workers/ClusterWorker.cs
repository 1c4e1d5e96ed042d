using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Cluster.Workers;

/// <summary>
/// A silo's worker: once the silo is active it watches the cluster's job list and takes part in every job that runs,
/// each with a <see cref="SiloJobRun"/> on this silo's own worker pools. A graceful stop hands its leases back; a
/// killed silo's leases come back when the membership declares it dead.
/// </summary>
internal sealed class ClusterWorker(
    IGrainFactory grains,
    ILocalSiloDetails siloDetails,
    WorkerPoolCoordinator coordinator,
    ClusterWorkerOptions options,
    ILoggerFactory loggers,
    TimeProvider time) : ILifecycleParticipant<ISiloLifecycle>, IClusterObserver
{
    private readonly ConcurrentDictionary<string, SiloJobRun> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _over = new(StringComparer.Ordinal);
    private readonly Channel<bool> _jobsChanged = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ILogger _logger = loggers.CreateLogger("MongoMigrate.Cluster.Worker");
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private IClusterObserver? _self;
    private long _requests;

    private string Silo => siloDetails.SiloAddress.ToParsableString();

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterWorker), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public Task JobChangedAsync(string jobId)
    {
        if (_runs.TryGetValue(jobId, out var run))
        {
            run.Wake();
        }
        else
        {
            _jobsChanged.Writer.TryWrite(true);
        }

        return Task.CompletedTask;
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        _self = grains.CreateObjectReference<IClusterObserver>(this);
        _loop = WatchJobsAsync(_stop.Token);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null)
        {
            return;
        }

        var graceful = !cancellationToken.IsCancellationRequested;
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop!.ConfigureAwait(false);
            await Task.WhenAll(_running.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (graceful)
        {
            // Hand back what this silo held, so the others take it now rather than after the membership's verdict.
            foreach (var jobId in _runs.Keys)
            {
                try
                {
                    await grains.GetGrain<IClusterJobGrain>(jobId).ReleaseSiloAsync(Silo).WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning("Job {JobId}: could not hand back this silo's leases: {Reason}", jobId, ErrorDescription.Of(e));
                }
            }
        }

        _stop.Dispose();
    }

    private async Task WatchJobsAsync(CancellationToken cancellationToken)
    {
        var registry = grains.GetGrain<IClusterRegistryGrain>(IClusterRegistryGrain.Key);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var jobId in await registry.WatchAsync(_self).WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    // A run that stopped on an error (the job grain moving as this silo joined) is started again.
                    if (!_over.ContainsKey(jobId) && (!_running.TryGetValue(jobId, out var running) || running.IsCompleted))
                    {
                        var run = new SiloJobRun(jobId, grains.GetGrain<IClusterJobGrain>(jobId), Silo, _self!, () => Interlocked.Increment(ref _requests), coordinator, options, loggers, time);
                        _runs[jobId] = run;
                        _running[jobId] = RunJobAsync(jobId, run, cancellationToken);
                    }
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning("Could not read the cluster's jobs: {Reason}", ErrorDescription.Of(e));
            }

            using var recheck = new CancellationTokenSource(options.RecheckInterval * 3, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, recheck.Token);
            try
            {
                await _jobsChanged.Reader.ReadAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task RunJobAsync(string jobId, SiloJobRun run, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            await run.RunAsync(cancellationToken).ConfigureAwait(false);
            _over[jobId] = true;
            _logger.LogInformation("Job {JobId}: this silo's part is over", jobId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Job {JobId}: this silo stopped working on it: {Reason}; it joins again at its next look at the jobs", jobId, ErrorDescription.Of(e));
        }
        finally
        {
            _runs.TryRemove(jobId, out _);
        }
    }
}
