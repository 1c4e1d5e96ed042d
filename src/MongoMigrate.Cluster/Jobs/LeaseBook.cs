namespace MongoMigrate.Cluster.Jobs;

/// <summary>
/// The job grain's rules over its state, without Orleans: which chunks a silo gets (largest collections first, never
/// more than its share), what a completion, a failure or a silo's death changes. Every method says whether the state
/// changed, so the grain writes it (ETag-checked) before it answers.
/// </summary>
public sealed class LeaseBook(ClusterJobState state)
{
    public ClusterJobState State => state;

    /// <summary>Starts the state of a new job: every chunk pending, every collection copying (or to finish at once when it has no chunk).</summary>
    public static ClusterJobState Start(ClusterJobPlan plan, DateTimeOffset now)
    {
        var started = new ClusterJobState { Plan = plan, DumpWorkers = plan.DumpWorkers, RestoreWorkers = plan.RestoreWorkers, SubmittedAt = now };
        for (var c = 0; c < plan.Collections.Count; c++)
        {
            var chunks = plan.Collections[c].Chunks;
            started.Collections.Add(new CollectionEntry { Phase = chunks.Count == 0 ? ClusterCollectionPhase.ToFinish : ClusterCollectionPhase.Copying });
            started.Chunks.AddRange(chunks.Select(chunk => new ChunkEntry { Collection = c, Index = chunk.Index }));
        }

        return started;
    }

    /// <summary>Leases to <paramref name="request"/>'s silo what its share allows, given the silos working on the job.</summary>
    public (LeaseGrant Grant, bool Changed) Lease(LeaseRequest request, IReadOnlyCollection<string> silos)
    {
        var (dump, restore) = PoolShares.Of(request.Silo, silos, state.DumpWorkers, state.RestoreWorkers);
        dump = Math.Min(dump, request.MaxDumpWorkers);
        restore = Math.Min(restore, request.MaxRestoreWorkers);
        if (state.Phase != ClusterJobPhase.Running)
        {
            return (new LeaseGrant { Ended = true, DumpShare = dump, RestoreShare = restore }, false);
        }

        var held = state.Chunks.Count(c => c.Phase == ChunkPhase.Leased && c.Silo == request.Silo);
        var leases = new List<ChunkLease>();
        if (restore > 0 && held < dump)
        {
            // Largest collections first: the longest pole decides when the job ends.
            var plan = state.Plan!;
            foreach (var chunk in state.Chunks.Where(c => c.Phase == ChunkPhase.Pending).OrderByDescending(c => plan.Collections[c.Collection].EstimatedBytes).ThenBy(c => c.Collection).ThenBy(c => c.Index).Take(dump - held))
            {
                chunk.Phase = ChunkPhase.Leased;
                chunk.Silo = request.Silo;
                chunk.Leases++;
                leases.Add(new ChunkLease(chunk.Collection, chunk.Index));
            }
        }

        var finishes = new List<int>();
        for (var c = 0; c < state.Collections.Count; c++)
        {
            if (state.Collections[c].Phase == ClusterCollectionPhase.ToFinish)
            {
                state.Collections[c].Phase = ClusterCollectionPhase.Finishing;
                state.Collections[c].Silo = request.Silo;
                finishes.Add(c);
            }
        }

        return (new LeaseGrant { Chunks = leases, Finishes = finishes, DumpShare = dump, RestoreShare = restore }, leases.Count > 0 || finishes.Count > 0);
    }

    /// <summary>Records a chunk proven on the target, whoever held it (a late silo's proof is as good). True when something changed.</summary>
    public bool Complete(string silo, ChunkLease lease, long documents, long bytes, ulong? digest)
    {
        var chunk = Find(lease);
        if (chunk is null || chunk.Phase == ChunkPhase.Done)
        {
            return false;
        }

        chunk.Phase = ChunkPhase.Done;
        chunk.Silo = silo;
        chunk.Documents = documents;
        chunk.Bytes = bytes;
        chunk.SourceDigest = digest;
        chunk.Error = null;
        var collection = state.Collections[lease.Collection];
        if (collection.Phase == ClusterCollectionPhase.Copying && state.Chunks.All(c => c.Collection != lease.Collection || c.Phase == ChunkPhase.Done))
        {
            collection.Phase = ClusterCollectionPhase.ToFinish;
        }

        return true;
    }

    /// <summary>Records a chunk given up on by the silo holding it; its collection, and so the job, fail.</summary>
    public bool Fail(string silo, ChunkLease lease, string reason)
    {
        var chunk = Find(lease);
        if (chunk is null || chunk.Phase != ChunkPhase.Leased || chunk.Silo != silo)
        {
            return false;
        }

        chunk.Phase = ChunkPhase.Failed;
        chunk.Error = reason;
        var collection = state.Collections[lease.Collection];
        collection.Phase = ClusterCollectionPhase.Failed;
        collection.Error ??= $"chunk {lease.Chunk} failed: {reason}";
        EndIfOver();
        return true;
    }

    /// <summary>Sends one chunk that <paramref name="silo"/> holds back to pending.</summary>
    public bool Return(string silo, ChunkLease lease)
    {
        if (Find(lease) is not { Phase: ChunkPhase.Leased } chunk || chunk.Silo != silo)
        {
            return false;
        }

        chunk.Phase = ChunkPhase.Pending;
        chunk.Silo = null;
        return true;
    }

    public bool Finish(string silo, int collection, long? verified, string? error)
    {
        if (collection < 0 || collection >= state.Collections.Count || state.Collections[collection] is not { Phase: ClusterCollectionPhase.Finishing } entry || entry.Silo != silo)
        {
            return false;
        }

        entry.Phase = error is null ? ClusterCollectionPhase.Completed : ClusterCollectionPhase.Failed;
        entry.VerifiedDocuments = verified;
        entry.Error = error;
        EndIfOver();
        return true;
    }

    /// <summary>
    /// Takes back from <paramref name="silo"/> what the grain has it hold but the silo does not say it holds (a grant
    /// whose answer was lost, a completion or a hand-back that never arrived): chunks go back to pending, collections
    /// to finish to whoever asks next. True when something changed.
    /// </summary>
    public bool Reconcile(string silo, IReadOnlyCollection<ChunkLease> held, IReadOnlyCollection<int> finishing)
    {
        var changed = false;
        var holding = held.ToHashSet();
        foreach (var chunk in state.Chunks.Where(c => c.Phase == ChunkPhase.Leased && c.Silo == silo && !holding.Contains(new ChunkLease(c.Collection, c.Index))))
        {
            chunk.Phase = ChunkPhase.Pending;
            chunk.Silo = null;
            changed = true;
        }

        for (var c = 0; c < state.Collections.Count; c++)
        {
            if (state.Collections[c] is { Phase: ClusterCollectionPhase.Finishing } collection && collection.Silo == silo && !finishing.Contains(c))
            {
                collection.Phase = ClusterCollectionPhase.ToFinish;
                collection.Silo = null;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Sends what <paramref name="silo"/> holds back to pending: it left or died. True when it held something.</summary>
    public bool Release(string silo)
    {
        var changed = false;
        foreach (var chunk in state.Chunks.Where(c => c.Phase == ChunkPhase.Leased && c.Silo == silo))
        {
            chunk.Phase = ChunkPhase.Pending;
            chunk.Silo = null;
            changed = true;
        }

        foreach (var collection in state.Collections.Where(c => c.Phase == ClusterCollectionPhase.Finishing && c.Silo == silo))
        {
            collection.Phase = ClusterCollectionPhase.ToFinish;
            collection.Silo = null;
            changed = true;
        }

        return changed;
    }

    /// <summary>The silos holding something now.</summary>
    public IReadOnlySet<string> Holders() =>
        state.Chunks.Where(c => c.Phase == ChunkPhase.Leased).Select(c => c.Silo!)
            .Concat(state.Collections.Where(c => c.Phase == ClusterCollectionPhase.Finishing).Select(c => c.Silo!))
            .ToHashSet(StringComparer.Ordinal);

    public ClusterJobStatus Status(string jobId) => new()
    {
        JobId = jobId,
        Display = state.Plan?.Display ?? string.Empty,
        Phase = state.Phase,
        Error = state.Error,
        Chunks = state.Chunks.Count,
        Pending = state.Chunks.Count(c => c.Phase == ChunkPhase.Pending),
        Leased = state.Chunks.Count(c => c.Phase == ChunkPhase.Leased),
        Done = state.Chunks.Count(c => c.Phase == ChunkPhase.Done),
        Failed = state.Chunks.Count(c => c.Phase == ChunkPhase.Failed),
        Documents = state.Chunks.Where(c => c.Phase == ChunkPhase.Done).Sum(c => c.Documents),
        Bytes = state.Chunks.Where(c => c.Phase == ChunkPhase.Done).Sum(c => c.Bytes),
        LeasesBySilo = state.Chunks.Where(c => c.Phase == ChunkPhase.Leased).GroupBy(c => c.Silo!).ToDictionary(g => g.Key, g => g.Count()),
        DoneBySilo = state.Chunks.Where(c => c.Phase == ChunkPhase.Done).GroupBy(c => c.Silo!).ToDictionary(g => g.Key, g => g.Count()),
        Reclaimed = state.Chunks.Sum(c => Math.Max(0, c.Leases - 1)),
        DumpWorkers = state.DumpWorkers,
        RestoreWorkers = state.RestoreWorkers,
    };

    private ChunkEntry? Find(ChunkLease lease) =>
        state.Chunks.FirstOrDefault(c => c.Collection == lease.Collection && c.Index == lease.Chunk);

    /// <summary>The job ends once no collection can move any more: completed, or failed with the first reason.</summary>
    private void EndIfOver()
    {
        if (state.Collections.Any(c => c.Phase is not (ClusterCollectionPhase.Completed or ClusterCollectionPhase.Failed)))
        {
            return;
        }

        var failed = state.Collections.Select((c, i) => (c, i)).Where(x => x.c.Phase == ClusterCollectionPhase.Failed).ToList();
        state.Phase = failed.Count == 0 ? ClusterJobPhase.Completed : ClusterJobPhase.Failed;
        state.Error = failed.Count == 0 ? null
            : $"{failed.Count} collection(s) failed, first {state.Plan!.Collections[failed[0].i].SourceNamespace}: {failed[0].c.Error}";
    }
}
