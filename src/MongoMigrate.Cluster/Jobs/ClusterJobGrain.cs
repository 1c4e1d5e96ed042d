using Microsoft.Extensions.Logging;

namespace MongoMigrate.Cluster.Jobs;

/// <summary>
/// The job grain: its state (plan, chunks, collections) lives in the cluster's grain storage and every change is
/// written, ETag-checked, before the call answers, so a stale activation (one the cluster replaced) fails its write
/// instead of granting a chunk twice. It follows the cluster's membership: a silo declared dead has its leases
/// returned to pending, and the silos still working are told to ask again.
/// </summary>
public sealed class ClusterJobGrain(
    [PersistentState("job", ClusterStorage.Name)] IPersistentState<ClusterJobState> state,
    IClusterMembershipService membership,
    TimeProvider timeProvider,
    ILogger<ClusterJobGrain> logger) : Grain, IClusterJobGrain
{
    // Where to tell silos and followers that something changed. Kept in memory: after a move to another silo, they
    // are known again from their next call (silos call at least every few seconds).
    private readonly Dictionary<string, IClusterObserver> _silos = new(StringComparer.Ordinal);
    private readonly List<IClusterObserver> _followers = [];

    // Each silo's latest lease request seen by this activation.
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private CancellationTokenSource? _watch;

    private string JobId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _watch = new CancellationTokenSource();
        var self = this.AsReference<IClusterJobGrain>();
        _ = WatchMembershipAsync(self, _watch.Token);
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_watch is not null)
        {
            await _watch.CancelAsync();
            _watch.Dispose();
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task SubmitAsync(ClusterJobPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (state.State.Plan is { } existing)
        {
            if (existing.SealedSource == plan.SealedSource && existing.SealedTarget == plan.SealedTarget && existing.Collections.Count == plan.Collections.Count)
            {
                return;
            }

            throw new ClusterJobException($"The cluster already has a job {plan.JobId} ({existing.Display}): choose another --job-id.");
        }

        state.State = LeaseBook.Start(plan, timeProvider.GetUtcNow());
        await state.WriteStateAsync();
        logger.LogInformation("Job {JobId} submitted: {Collections} collection(s), {Chunks} chunk(s)", JobId, plan.Collections.Count, state.State.Chunks.Count);
    }

    public Task<ClusterJobPlan?> GetPlanAsync() => Task.FromResult(state.State.Plan);

    public async Task<LeaseGrant> LeaseAsync(LeaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (state.State.Plan is null)
        {
            return new LeaseGrant { Ended = true };
        }

        await ReleaseDeadSilosAsync();
        if (IsDead(membership.CurrentSnapshot, request.Silo) || !Fresh(request))
        {
            // A call from a silo already declared dead, or one overtaken by the silo's later call: nothing to grant.
            return new LeaseGrant { Ended = state.State.Phase != ClusterJobPhase.Running };
        }

        var joined = false;
        if (request.Observer is { } observer)
        {
            joined = !_silos.ContainsKey(request.Silo);
            _silos[request.Silo] = observer;
        }

        var book = new LeaseBook(state.State);
        var forgotten = request.Held is { } held && book.Reconcile(request.Silo, held, request.Finishing);
        if (forgotten)
        {
            logger.LogWarning("Job {JobId}: silo {Silo} no longer holds some of its leases (a call was lost); they are pending again", JobId, request.Silo);
        }

        var (grant, changed) = book.Lease(request, Working(request.Silo));
        if (changed || forgotten)
        {
            await state.WriteStateAsync();
        }

        if (joined || forgotten)
        {
            // A new silo changes everyone's share; chunks taken back are for anyone.
            Notify(except: request.Silo);
        }

        return grant;
    }

    public async Task CompleteChunkAsync(string silo, ChunkLease chunk, long documents, long bytes, ulong? sourceDigest)
    {
        var book = new LeaseBook(state.State);
        var finishing = state.State.Collections.Count(c => c.Phase == ClusterCollectionPhase.ToFinish);
        if (book.Complete(silo, chunk, documents, bytes, sourceDigest))
        {
            await state.WriteStateAsync();
            if (state.State.Collections.Count(c => c.Phase == ClusterCollectionPhase.ToFinish) != finishing)
            {
                Notify();
            }
        }
    }

    public async Task FailChunkAsync(string silo, ChunkLease chunk, string reason)
    {
        if (new LeaseBook(state.State).Fail(silo, chunk, reason))
        {
            await SaveAndNotifyAsync();
        }
    }

    public async Task ReturnChunkAsync(string silo, ChunkLease chunk)
    {
        if (new LeaseBook(state.State).Return(silo, chunk))
        {
            await SaveAndNotifyAsync();
        }
    }

    public async Task FinishCollectionAsync(string silo, int collection, long? verifiedDocuments, string? error)
    {
        if (new LeaseBook(state.State).Finish(silo, collection, verifiedDocuments, error))
        {
            await SaveAndNotifyAsync();
        }
    }

    public async Task ReleaseSiloAsync(string silo)
    {
        _silos.Remove(silo);
        if (new LeaseBook(state.State).Release(silo))
        {
            logger.LogInformation("Job {JobId}: silo {Silo} left; its chunks are pending again", JobId, silo);
            await state.WriteStateAsync();
        }

        Notify();
    }

    public async Task ReleaseDeadSilosAsync()
    {
        var snapshot = membership.CurrentSnapshot;
        var book = new LeaseBook(state.State);
        var dead = book.Holders().Concat(_silos.Keys).Distinct(StringComparer.Ordinal).Where(s => IsDead(snapshot, s)).ToList();
        if (dead.Count == 0)
        {
            return;
        }

        var changed = false;
        foreach (var silo in dead)
        {
            _silos.Remove(silo);
            if (book.Release(silo))
            {
                logger.LogWarning("Job {JobId}: silo {Silo} was declared dead; its chunks are pending again", JobId, silo);
                changed = true;
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        Notify();
    }

    public async Task SetPoolSizesAsync(int dumpWorkers, int restoreWorkers)
    {
        if (dumpWorkers < 0 || restoreWorkers < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(dumpWorkers), "Worker counts are 0 or more.");
        }

        state.State.DumpWorkers = dumpWorkers;
        state.State.RestoreWorkers = restoreWorkers;
        await SaveAndNotifyAsync();
    }

    public Task<ClusterJobStatus?> GetStatusAsync() =>
        Task.FromResult(state.State.Plan is null ? null : new LeaseBook(state.State).Status(JobId) with { GrainSilo = GrainContext.Address.SiloAddress?.ToParsableString() });

    public Task FollowAsync(IClusterObserver observer)
    {
        if (!_followers.Contains(observer))
        {
            _followers.Add(observer);
        }

        return Task.CompletedTask;
    }

    private async Task SaveAndNotifyAsync()
    {
        if (state.State.Phase != ClusterJobPhase.Running)
        {
            state.State.EndedAt ??= timeProvider.GetUtcNow();
        }

        await state.WriteStateAsync();
        Notify();
    }

    private bool Fresh(LeaseRequest request)
    {
        if (_sequences.TryGetValue(request.Silo, out var last) && request.Sequence <= last)
        {
            return false;
        }

        _sequences[request.Silo] = request.Sequence;
        return true;
    }

    /// <summary>The silos working on the job: those that asked for work and are not known dead, and the asking one.</summary>
    private List<string> Working(string asking)
    {
        var snapshot = membership.CurrentSnapshot;
        return [.. _silos.Keys.Where(s => !IsDead(snapshot, s)).Append(asking).Distinct(StringComparer.Ordinal)];
    }

    private static bool IsDead(ClusterMembershipSnapshot snapshot, string silo)
    {
        try
        {
            return snapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private void Notify(string? except = null)
    {
        foreach (var (silo, observer) in _silos)
        {
            if (silo != except)
            {
                _ = observer.JobChangedAsync(JobId);
            }
        }

        foreach (var follower in _followers)
        {
            _ = follower.JobChangedAsync(JobId);
        }
    }

    /// <summary>Each change of the membership lets the grain return the leases of silos declared dead.</summary>
    private async Task WatchMembershipAsync(IClusterJobGrain self, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                if (snapshot.Members.Values.Any(m => m.Status == SiloStatus.Dead))
                {
                    await self.ReleaseDeadSilosAsync();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning("Job {JobId}: stopped following the membership: {Reason}", JobId, e.Message);
        }
    }
}
