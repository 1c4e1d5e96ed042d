using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.Verifying;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// An online job's continuous verification: each collection's copied ranges are compared as soon as its copy is done,
/// every applied change queues its document for a recheck (the follower's recheck sink), rechecks run as changes are
/// applied, on the job's dump pool like the copy's reads, and a cutover at T waits until every change up to T is
/// rechecked (<see cref="GateAsync"/>). Its status (pending rechecks, lag, mismatches) is what the display and `jobs` show.
/// </summary>
internal sealed class OnlineVerification : IAsyncDisposable
{
    private readonly OnlineSettings _settings;
    private readonly FollowerClock _clock;
    private readonly CopiedRangeCheck _ranges;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<Task> _rangeChecks = [];
    private Task _rechecking = Task.CompletedTask;
    private ChangeStreamFollower? _follower;
    private RecheckStatus? _status;

    public OnlineVerification(OnlineSettings settings, IRecheckQueueStore store)
    {
        _settings = settings;
        _clock = new FollowerClock(settings.Source);
        var map = settings.Collections.ToDictionary(c => c.Source, c => c.Target);
        var pool = settings.Pools.GetOrCreateDumpPool(settings.JobId, settings.DumpWorkers);
        Verifier = new ContinuousVerifier(settings.Source, settings.Target, store, settings.JobId, ns => map.TryGetValue(ns, out var t) ? t : settings.Selection?.TargetOf(ns) ?? ns, _clock)
        {
            Pool = pool,
            Repair = (ns, ids, token) => _follower!.RefreshAsync([.. ids.Select(id => (ns, map.TryGetValue(ns, out var t) ? t : settings.Selection?.TargetOf(ns) ?? ns, id))], token),
        };
        _ranges = new CopiedRangeCheck(settings.Source, settings.Target, Verifier, _clock, pool, settings.Logger);
    }

    /// <summary>The recheck sink the follower's apply lanes hand every applied change's key to.</summary>
    public ContinuousVerifier Verifier { get; }

    /// <summary>Pending rechecks, the verifier's lag and mismatches, as last read (about every status interval).</summary>
    public RecheckStatus? Status => Volatile.Read(ref _status);

    /// <summary>Starts rechecking what the follower applies.</summary>
    public void Start(ChangeStreamFollower follower)
    {
        _follower = follower;
        _clock.Attach(follower);
        _rechecking = RecheckAsync(_stop.Token);
    }

    /// <summary>The collection's copy is done: its ranges are compared now, beside the rest.</summary>
    public void Copied(NamespaceName source)
    {
        if (_settings.CopiedRanges is not { } rangesOf)
        {
            return;
        }

        var target = _settings.Collections.Where(c => c.Source == source).Select(c => c.Target).DefaultIfEmpty(source).First();
        var check = Task.Run(
            async () =>
            {
                var ranges = await rangesOf(source, _stop.Token).ConfigureAwait(false);
                var sampled = RangeSample.Pick(ranges.Count, _settings.VerifySample).Select(i => ranges[i]).ToList();
                await _ranges.CheckAsync(source, target, sampled, _stop.Token).ConfigureAwait(false);
            },
            _stop.Token);
        lock (_lock)
        {
            _rangeChecks.Add(check);
        }
    }

    /// <summary>Before a cutover reads its T: the copied ranges' comparisons are done, and mismatches of an earlier cutover go back in the queue to be compared anew.</summary>
    public async Task PrepareCutoverAsync(CancellationToken cancellationToken)
    {
        Task[] checks;
        lock (_lock)
        {
            checks = [.. _rangeChecks];
        }

        await Task.WhenAll(checks).WaitAsync(cancellationToken).ConfigureAwait(false);
        await Verifier.RequeueMismatchesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The cutover's gate at <paramref name="clusterTime"/>, every change up to it applied: waits until every change up to
    /// T is rechecked; returns the documents still different once their changes were applied, and how many copied ranges
    /// could not be compared.
    /// </summary>
    public async Task<(IReadOnlyList<RecheckMismatch> Mismatches, long UnverifiedRanges)> GateAsync(ulong clusterTime, CancellationToken cancellationToken)
    {
        var verdict = await Verifier.WaitUntilRecheckedAsync(clusterTime, cancellationToken).ConfigureAwait(false);
        await RefreshStatusAsync(clusterTime, cancellationToken).ConfigureAwait(false);
        return (verdict.Mismatches, _ranges.UnverifiedRanges);
    }

    /// <summary>Reads the queue's size for the display and `jobs`; <paramref name="sourceTime"/> is the source's latest time known.</summary>
    public async Task RefreshStatusAsync(ulong sourceTime, CancellationToken cancellationToken) =>
        Volatile.Write(ref _status, await Verifier.StatusAsync(sourceTime, cancellationToken).ConfigureAwait(false));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Task[] checks;
        lock (_lock)
        {
            checks = [.. _rangeChecks, _rechecking];
        }

        try
        {
            await Task.WhenAll(checks).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or MongoException or MigrationException)
        {
            // Stopped; what a range or a recheck found is in the state already.
        }

        _stop.Dispose();
    }

    /// <summary>Rechecks until stopped; an error of either side is told and the rechecks go on after a pause (the queue is durable).</summary>
    private async Task RecheckAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await Verifier.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MongoException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                _settings.Logger.LogWarning("Continuous verification: a recheck failed ({Reason}); trying again", ErrorDescription.Of(e));
                await Task.Delay(_settings.StatusInterval, _settings.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
