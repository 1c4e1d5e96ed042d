using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Verifying;

/// <summary>
/// The verification of an online migration while it follows the source. Every applied change hands its document key to
/// a durable, deduplicated recheck queue (this is the sink the follower writes to); generations of rechecks compare the
/// queued documents on both sides with the one comparison of the copy's verification (<see cref="CollectionVerifier"/>
/// over an <c>_id $in</c> range). A key is due once every change to it is applied. Equal, it leaves the queue. Different,
/// it waits until the changes up to the source's time just after that read are applied: if none came for it meanwhile,
/// the difference was not a change on its way, and a second difference makes it a mismatch; if one came, it starts over.
/// A cutover asks <see cref="WaitUntilRecheckedAsync"/> for its gate.
/// </summary>
/// <param name="source">The source deployment.</param>
/// <param name="target">The target deployment.</param>
/// <param name="store">The job's state, which holds the queue and the mismatches.</param>
/// <param name="jobId">The online job.</param>
/// <param name="targetOf">Where a source collection lives on the target (the job's renames).</param>
/// <param name="clock">How far the following has applied the source's changes, and the source's time.</param>
public sealed class ContinuousVerifier(
    IMongoClient source,
    IMongoClient target,
    IRecheckQueueStore store,
    string jobId,
    Func<NamespaceName, NamespaceName> targetOf,
    IAppliedClock clock) : IRecheckSink
{
    /// <summary>Repairs of one key before its difference counts as a mismatch anyway.</summary>
    private const int MaxRepairGeneration = 4;

    private readonly WakeUp _enqueued = new();
    private readonly SemaphoreSlim _generation = new(1, 1);
    private long _repaired;

    /// <summary>Keys compared at once per collection.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>The pool whose slot each comparison holds while it reads both sides (the job's dump pool, as the copy's reads); none: unlimited.</summary>
    public WorkerPoolManager? Pool { get; init; }

    /// <summary>
    /// Writes documents whole from the source by _id. A key whose only difference, twice and with no change of its own
    /// in between, is its fields' order (what an update replayed over a later state leaves) is repaired so, then
    /// compared again; any other difference is a mismatch. None: every difference found twice is a mismatch.
    /// </summary>
    public Func<NamespaceName, IReadOnlyList<RawBsonValue>, CancellationToken, Task>? Repair { get; init; }

    /// <summary>Documents repaired (<see cref="Repair"/>) so far.</summary>
    public long Repaired => Interlocked.Read(ref _repaired);

    public async ValueTask EnqueueAsync(IReadOnlyList<RecheckKey> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        // A key given twice is stored once: its first change and its latest (the store's upsert keeps both ends).
        await store.EnqueueRechecksAsync(jobId, [.. keys.Select(k => (k.Namespace, k.Id, k.ClusterTime))], cancellationToken).ConfigureAwait(false);
        _enqueued.Signal();
    }

    /// <summary>Compares every key that is due now, batch after batch, until none is; what each key showed is stored. One generation runs at a time.</summary>
    public async Task<RecheckGeneration> RunGenerationAsync(CancellationToken cancellationToken)
    {
        await _generation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunDueAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _generation.Release();
        }
    }

    private async Task<RecheckGeneration> RunDueAsync(CancellationToken cancellationToken)
    {
        int compared = 0, equal = 0, suspect = 0, mismatched = 0;
        var seen = new HashSet<(string, string)>();
        while (true)
        {
            var due = (await store.GetRechecksDueAsync(jobId, clock.AppliedTime, BatchSize, cancellationToken).ConfigureAwait(false))
                .Where(e => seen.Add((e.Namespace, Convert.ToBase64String(e.Id))))
                .ToList();
            if (due.Count == 0)
            {
                return new RecheckGeneration(compared, equal, suspect, mismatched);
            }

            foreach (var group in due.GroupBy(e => e.Namespace, StringComparer.Ordinal))
            {
                var (same, differing) = await CompareAsync(NamespaceName.Parse(group.Key), [.. group], cancellationToken).ConfigureAwait(false);
                var readAt = await clock.SourceTimeAsync(cancellationToken).ConfigureAwait(false);
                var confirmed = differing.Where(d => d.Entry.SuspectAt is not null && d.Entry.SuspectLastSeen == d.Entry.LastSeen).ToList();
                var again = differing.Where(d => !confirmed.Contains(d)).Select(d => d.Entry).ToList();
                var repairable = Repair is null ? [] : confirmed.Where(d => d.Entry.Generation < MaxRepairGeneration && d.Description.EndsWith(FirstDifference.InAnotherOrder, StringComparison.Ordinal)).ToList();
                if (repairable.Count > 0)
                {
                    await Repair!(NamespaceName.Parse(group.Key), [.. repairable.Select(d => new RawDocument(d.Entry.Id)["_id"])], cancellationToken).ConfigureAwait(false);
                    Interlocked.Add(ref _repaired, repairable.Count);
                    confirmed = [.. confirmed.Except(repairable)];
                    again.AddRange(repairable.Select(d => d.Entry));
                    readAt = await clock.SourceTimeAsync(cancellationToken).ConfigureAwait(false);
                }

                await store.RemoveRechecksAsync(jobId, same, cancellationToken).ConfigureAwait(false);
                await store.MarkRechecksSuspectAsync(jobId, again, readAt, cancellationToken).ConfigureAwait(false);
                await store.RecordRecheckMismatchesAsync(jobId, [.. confirmed.Select(d => new RecheckMismatch(d.Entry.Namespace, d.Entry.Id, d.Description, readAt))], cancellationToken).ConfigureAwait(false);
                compared += group.Count();
                equal += same.Count;
                suspect += again.Count;
                mismatched += confirmed.Count;
            }
        }
    }

    /// <summary>
    /// The cutover's gate: waits until every change up to <paramref name="clusterTime"/> is applied and rechecked (rechecking
    /// as changes are applied), then returns the mismatches found. Without writes to the source after it, this ends.
    /// </summary>
    public async Task<RecheckVerdict> WaitUntilRecheckedAsync(ulong clusterTime, CancellationToken cancellationToken)
    {
        await clock.WaitForAppliedAsync(clusterTime, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var applied = clock.AppliedTime;
            var generation = await RunGenerationAsync(cancellationToken).ConfigureAwait(false);
            if (await store.GetOldestRecheckAsync(jobId, clusterTime, cancellationToken).ConfigureAwait(false) is null)
            {
                return new RecheckVerdict(clusterTime, await store.GetRecheckMismatchesAsync(jobId, cancellationToken).ConfigureAwait(false));
            }

            // What is left and not due waits for changes still to be applied: a later change of the key, or the time after a difference.
            if (generation.Compared == 0)
            {
                await clock.WaitForAppliedAsync(applied + 1, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Rechecks as keys arrive and changes are applied, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var applied = clock.AppliedTime;
            var woken = _enqueued.Next();
            var generation = await RunGenerationAsync(cancellationToken).ConfigureAwait(false);
            if (generation.Compared == 0)
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.WhenAny(woken.WaitAsync(cancellationToken), clock.WaitForAppliedAsync(applied + 1, stop.Token)).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Pending rechecks, the verifier's lag (against <paramref name="sourceTime"/>, the source's latest time known) and mismatches, now.</summary>
    public async Task<RecheckStatus> StatusAsync(ulong sourceTime, CancellationToken cancellationToken)
    {
        var size = await store.GetRecheckQueueSizeAsync(jobId, cancellationToken).ConfigureAwait(false);
        return RecheckStatus.Of(size, sourceTime);
    }

    /// <summary>A cutover asked again compares the documents found mismatching anew: their keys go back in the queue as changed now.</summary>
    public async Task RequeueMismatchesAsync(CancellationToken cancellationToken)
    {
        var now = await clock.SourceTimeAsync(cancellationToken).ConfigureAwait(false);
        await store.RequeueRecheckMismatchesAsync(jobId, now, cancellationToken).ConfigureAwait(false);
        _enqueued.Signal();
    }

    /// <summary>The verifier's lag: the source's time now less the oldest change not rechecked yet; zero with nothing queued.</summary>
    public async Task<TimeSpan> LagAsync(CancellationToken cancellationToken)
    {
        if (await store.GetOldestRecheckAsync(jobId, ulong.MaxValue, cancellationToken).ConfigureAwait(false) is not { } oldest)
        {
            return TimeSpan.Zero;
        }

        var now = await clock.SourceTimeAsync(cancellationToken).ConfigureAwait(false);
        return TimeSpan.FromSeconds(Math.Max(0, (long)(now >> 32) - (long)(oldest >> 32)));
    }

    /// <summary>Compares the documents of <paramref name="entries"/> on both sides: those equal, and those different with what differs.</summary>
    private async Task<(List<RecheckEntry> Same, List<(RecheckEntry Entry, string Description)> Differing)> CompareAsync(
        NamespaceName ns,
        IReadOnlyList<RecheckEntry> entries,
        CancellationToken cancellationToken)
    {
        var ids = new List<RawBsonValue>(entries.Count);
        var byText = new Dictionary<string, RecheckEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var id = new RawDocument(entry.Id)["_id"];
            ids.Add(id);
            byText[BsonDebugText.Format(id)] = entry;
        }

        var verifier = new CollectionVerifier(source, target) { MismatchLimit = entries.Count };
        VerificationResult result;
        var slot = Pool is null ? default(WorkerSlot?) : await Pool.AcquireAsync(0, cancellationToken).ConfigureAwait(false);
        try
        {
            result = await verifier.VerifyAsync(ns, targetOf(ns), IdFilter.In(ids), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slot?.Dispose();
        }

        // The verifier names a document by the same text; two _ids of one text (1 and 1L) are one document to $in anyway.
        var differing = result.Mismatches
            .Where(m => byText.ContainsKey(m.Id))
            .Select(m => (Entry: byText[m.Id], Description: m.ToString()))
            .ToList();
        var different = differing.Select(d => d.Entry).ToHashSet();
        return ([.. entries.Where(e => !different.Contains(e))], differing);
    }
}
