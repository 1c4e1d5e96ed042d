using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.ChangeStreams.Apply;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verifying;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// An online job's life around its copy: following starts before the copy reads anything, each collection's held-back
/// changes are applied once its copy is done, then the job catches up and follows until a cutover is asked for
/// (<see cref="RequestCutoverAsync"/>, from a key, the `cutover` command or an API), and ends cut over. The phase and the
/// counters are saved in the job state every <see cref="OnlineSettings.StatusInterval"/> for `jobs`.
/// </summary>
public sealed class OnlineFollowing : IAsyncDisposable
{
    private readonly OnlineSettings _settings;
    private readonly ChangeStreamFollower _follower;
    private readonly ICutoverCheck _check;
    private readonly OnlineVerification? _verification;
    private readonly Channel<(CutoverRequest Request, TaskCompletionSource<CutoverResult> Reply)> _requests =
        Channel.CreateBounded<(CutoverRequest, TaskCompletionSource<CutoverResult>)>(new BoundedChannelOptions(4) { SingleReader = true });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _saving;
    private string _phase = OnlinePhase.Copying;
    private long _cutoverTime;
    private long _targetTime;

    private OnlineFollowing(OnlineSettings settings, ChangeStreamFollower follower, ICutoverCheck check, OnlineVerification? verification)
    {
        _settings = settings;
        _follower = follower;
        _check = check;
        _verification = verification;
        verification?.Start(follower);
        settings.Progress.Phase = OnlinePhase.Copying;
        _saving = SaveStatusLoopAsync(_stop.Token);
    }

    public string Phase => Volatile.Read(ref _phase);

    /// <summary>Events captured, applied and pending, events per second and lag, now.</summary>
    public ChangeStreamProgressSnapshot Progress => _follower.Progress;

    /// <summary>The continuous verification's pending rechecks, lag and mismatches (about every status interval); null without it.</summary>
    public RecheckStatus? Rechecks => _verification?.Status;

    /// <summary>
    /// Records the change stream's start on the source (kept when the job has one: a resumed job goes on from its
    /// checkpoint) and starts following, with every collection's changes held back until <see cref="MarkReady"/>.
    /// </summary>
    public static async Task<OnlineFollowing> StartAsync(OnlineSettings settings, CancellationToken cancellationToken)
    {
        var earlier = await settings.Store.GetChangeStreamCheckpointAsync(settings.JobId, cancellationToken).ConfigureAwait(false);
        if (earlier is null && settings.StartTime is { } startTime)
        {
            // A sync-back starts where the cutover left the target, not at the target's now.
            await settings.Store.SaveChangeStreamCheckpointAsync(new ChangeStreamCheckpoint { JobId = settings.JobId, StartTime = startTime }, cancellationToken).ConfigureAwait(false);
        }

        await ChangeStreamFollower.RecordStartAsync(settings.Source, settings.Store, settings.JobId, cancellationToken).ConfigureAwait(false);

        // Only a run that applies every change since the start knows every changed document; a resumed run rechecks whole.
        var changed = new ChangedDocuments(knowsAll: earlier is null);
        var verification = settings.Rechecks is { } queue ? new OnlineVerification(settings, queue) : null;
        ChangeStreamFollower follower;
        try
        {
            follower = await ChangeStreamFollower.StartAsync(
            new FollowerSettings
            {
                JobId = settings.JobId,
                Source = settings.Source,
                Target = settings.Target,
                Namespaces = [.. settings.Collections.Select(c => c.Source)],
                TargetOf = TargetMap(settings.Collections),
                Selection = settings.Selection,
                LeftOut = settings.LeftOut,
                SpoolFolder = Path.Combine(settings.JobDirectory, "changes"),
                Checkpoints = settings.Store,
                Pools = settings.Pools,
                RestoreWorkers = settings.RestoreWorkers,
                DiskBudget = settings.DiskBudget,
                Gate = new NamespaceGate(),
                Observer = changed,
                Apply = new ApplyOptions { Rechecks = verification?.Verifier },
                TimeProvider = settings.TimeProvider,
            },
            cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (verification is not null)
            {
                await verification.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        var check = settings.Check?.Invoke(changed) ?? new ChangedDocumentsCheck(settings.Source, settings.Target, changed);
        return new OnlineFollowing(settings, follower, check, verification);
    }

    /// <summary>The collection's copy is done: its held-back changes are applied now, and every later one as it comes.</summary>
    public void MarkReady(NamespaceName source, ulong copiedAt = 0)
    {
        _follower.MarkReady(source, copiedAt);
        _verification?.Copied(source);
    }

    /// <summary>
    /// The collection's copy has just ended in this run: the source's cluster time is read first (after every read of
    /// the copy), so that a rename of the collection at or before it, which the copy may have raced, stops following
    /// instead of leaving the target short of documents.
    /// </summary>
    public async Task MarkCopiedAsync(NamespaceName source, CancellationToken cancellationToken) =>
        MarkReady(source, await SourceClusterTime.ReadAsync(_settings.Source, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Asks for a cutover; completes with its result (cut over, or why not). Asked during the copy, it waits for the copy
    /// to end. The `cutover` command and the live display's key call this; an HTTP API would too.
    /// </summary>
    public Task<CutoverResult> RequestCutoverAsync(CutoverRequest request, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<CutoverResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_requests.Writer.TryWrite((request, reply)))
        {
            return Task.FromResult(NotCutOver(0, "not cut over: the job is ending, or other cutover requests are waiting; ask again once they are answered.", TimeSpan.Zero));
        }

        return reply.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// After every copy: applies what changed meanwhile (catching up), follows, and cuts over when asked; returns the
    /// successful cutover. A cutover that fails is answered and following goes on.
    /// </summary>
    /// <exception cref="MigrationException">Following stopped (a change that cannot be applied, the source's history lost).</exception>
    public async Task<CutoverResult> FollowUntilCutOverAsync(CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        SetPhase(OnlinePhase.CatchingUp);
        var catchingUp = CatchUpAsync(done.Token);
        try
        {
            while (true)
            {
                var next = _requests.Reader.ReadAsync(done.Token).AsTask();
                if (await Task.WhenAny(next, _follower.Completion).ConfigureAwait(false) != next)
                {
                    await _follower.Completion.ConfigureAwait(false);
                    throw new MigrationException("Following the source stopped before a cutover was asked for.");
                }

                var (request, reply) = await next.ConfigureAwait(false);
                var result = await CutOverAsync(request, done.Token).ConfigureAwait(false);
                if (!result.CutOver)
                {
                    // The phase goes back before the answer, in the job state too: whoever asked reads `jobs` next.
                    SetPhase(catchingUp.IsCompletedSuccessfully ? OnlinePhase.Following : OnlinePhase.CatchingUp);
                    await SaveStatusAsync(done.Token).ConfigureAwait(false);
                }

                reply.TrySetResult(result);
                if (result.CutOver)
                {
                    return result;
                }

                if (_follower.Completion.IsCompleted)
                {
                    // Stopped for the cutover's last step, which failed: the job ends with its reason.
                    throw new MigrationException(result.Message);
                }
            }
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            try
            {
                await catchingUp.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or MigrationException or MongoException)
            {
                // Told through the follower's completion, or stopped.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        while (_requests.Reader.TryRead(out var waiting))
        {
            waiting.Reply.TrySetResult(NotCutOver(0, "not cut over: the job stopped before it could cut over; resume it with migrate --resume and ask again.", TimeSpan.Zero));
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _saving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        if (_verification is not null)
        {
            await _verification.DisposeAsync().ConfigureAwait(false);
        }

        await _follower.DisposeAsync().ConfigureAwait(false);
        await SaveStatusAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var copyEnd = await SourceClusterTime.ReadAsync(_settings.Source, cancellationToken).ConfigureAwait(false);
        await SourceWriteBlock.NudgeAsync(_settings.Source, cancellationToken).ConfigureAwait(false);
        await _follower.WaitForAppliedAsync(copyEnd, cancellationToken).ConfigureAwait(false);
        if (Phase == OnlinePhase.CatchingUp)
        {
            SetPhase(OnlinePhase.Following);
        }
    }

    private async Task<CutoverResult> CutOverAsync(CutoverRequest request, CancellationToken cancellationToken)
    {
        var started = _settings.TimeProvider.GetTimestamp();
        var before = Phase;
        SetPhase(OnlinePhase.CuttingOver);
        using var timeout = request.Timeout is { } limit ? new CancellationTokenSource(limit, _settings.TimeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var blocked = false;
        string? blockNote = null;
        ulong at = 0;
        try
        {
            // Where a sync-back will start on the target: before the last changes are applied there, so that nothing the
            // application writes to the target after the cutover is missed (the cutover's own writes replay as no-ops).
            var targetTime = await SyncBackStart.TryReadAsync(_settings.Target, linked.Token).ConfigureAwait(false);
            if (request.BlockWrites)
            {
                blockNote = await SourceWriteBlock.TryBlockAsync(_settings.Source, linked.Token).ConfigureAwait(false);
                blocked = blockNote is null;
                _settings.Logger.LogInformation(blocked ? "Cutover: user writes on the source are blocked" : "Cutover: {Note}", blockNote);
            }

            var (time, differences, repaired, mismatches, unverified) = await new CutoverGate(_settings, _follower, _check, _verification).ApplyAndCheckAsync(blocked, linked.Token).ConfigureAwait(false);
            at = time;
            var elapsed = _settings.TimeProvider.GetElapsedTime(started);
            if (mismatches.Count > 0 || unverified > 0)
            {
                await UnblockAsync(blocked).ConfigureAwait(false);
                SetPhase(before);
                return NotCutOver(at, CutoverVerdict.MismatchMessage(at, mismatches, unverified), elapsed) with
                {
                    Mismatches = mismatches,
                    Rechecks = _verification?.Status,
                    WriteBlockNote = blockNote,
                };
            }

            if (differences.Count > 0)
            {
                await UnblockAsync(blocked).ConfigureAwait(false);
                SetPhase(before);
                var what = string.Join("; ", differences.Select(d => $"{d.SourceNamespace}: {d.Missing} missing, {d.Extra} extra, {d.Different} different" + (d.Examples.Count > 0 ? $" ({string.Join(", ", d.Examples.Take(3))})" : string.Empty)));
                return NotCutOver(at, $"not cut over: every change up to {CutoverResult.Describe(at)} is applied, but {differences.Count} collection(s) differ: {what}. Following goes on; find what else writes to the target, then ask again.", elapsed) with
                {
                    Differences = differences,
                    WritesBlocked = false,
                    WriteBlockNote = blockNote,
                };
            }

            // Following stops before the target's indexes get their uniqueness and expiry back: a change replayed after
            // that could trip a unique index on a state the source never had at once.
            await _follower.StopAsync().ConfigureAwait(false);
            var indexProblems = await new IndexRestoration(_settings.Source, _settings.Target, _settings.Logger)
                .RestoreAsync(_follower.Collections, _follower.RefreshAsync, linked.Token).ConfigureAwait(false);
            if (indexProblems.Count > 0)
            {
                await UnblockAsync(blocked).ConfigureAwait(false);
                SetPhase(before);
                return NotCutOver(at, $"not cut over: every change up to {CutoverResult.Describe(at)} is applied and checked, but {string.Join("; ", indexProblems)}. Following has stopped; once fixed, compare the two sides with mongomigrate verify.", _settings.TimeProvider.GetElapsedTime(started));
            }

            SetPhase(OnlinePhase.CutOver);
            Interlocked.Exchange(ref _cutoverTime, unchecked((long)at));
            Interlocked.Exchange(ref _targetTime, unchecked((long)(targetTime ?? 0)));
            await SaveStatusAsync(CancellationToken.None).ConfigureAwait(false);
            return Success(at, blocked, blockNote, elapsed, repaired);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await UnblockAsync(blocked).ConfigureAwait(false);
            SetPhase(before);
            var lag = _follower.Progress.LagSeconds;
            return NotCutOver(at, $"not cut over: the changes up to {(at == 0 ? "the cutover time" : CutoverResult.Describe(at))} were not applied and rechecked within {request.Timeout!.Value.TotalSeconds:0.#} s (lag {lag?.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} s){(blocked ? "; writes on the source are unblocked again" : string.Empty)}. Following goes on; ask again with a longer --timeout.", _settings.TimeProvider.GetElapsedTime(started));
        }
        catch (OperationCanceledException)
        {
            await UnblockAsync(blocked).ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (e is MongoException or MigrationException or IOException)
        {
            await UnblockAsync(blocked).ConfigureAwait(false);
            SetPhase(before);
            return NotCutOver(at, $"not cut over: {ErrorDescription.Of(e)}{(blocked ? "; writes on the source are unblocked again" : string.Empty)}.", _settings.TimeProvider.GetElapsedTime(started));
        }
    }

    private CutoverResult Success(ulong at, bool blocked, string? blockNote, TimeSpan elapsed, long repaired) => new()
    {
        CutOver = true,
        ClusterTime = at,
        Collections = _follower.Collections.Count,
        WritesBlocked = blocked,
        WriteBlockNote = blockNote,
        Elapsed = elapsed,
        Repaired = repaired,
        Rechecks = _verification?.Status,
        Message = $"cut over at {CutoverResult.Describe(at)}: target equals source for {_follower.Collections.Count} collections; lag 0. "
            + (_verification is null ? string.Empty : $"The continuous verification rechecked every change up to T: no mismatch. ")
            + (repaired > 0 ? $"{repaired} document(s) still differed once their changes were applied and were copied again from the source by _id before the last check. " : string.Empty)
            + (blocked
                ? "Writes on the source stay blocked (setUserWriteBlockMode), as mongosync leaves them: point the application at the target; to write to the source again run db.adminCommand({setUserWriteBlockMode: 1, global: false}) on it."
                : $"Writes on the source were not blocked{(blockNote is null ? string.Empty : $" ({blockNote})")}: writes made on the source after T are not included."),
    };

    private CutoverResult NotCutOver(ulong at, string message, TimeSpan elapsed) => new()
    {
        CutOver = false,
        ClusterTime = at,
        Collections = _follower.Collections.Count,
        Elapsed = elapsed,
        Message = message,
    };

    private Task UnblockAsync(bool blocked) => blocked ? SourceWriteBlock.UnblockOrLogAsync(_settings.Source, _settings.Logger) : Task.CompletedTask;

    private void SetPhase(string phase)
    {
        Volatile.Write(ref _phase, phase);
        _settings.Progress.Phase = phase;
    }

    private async Task SaveStatusLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(_settings.StatusInterval, _settings.TimeProvider);
        do
        {
            await SaveStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task SaveStatusAsync(CancellationToken cancellationToken)
    {
        var progress = _follower.Progress;
        try
        {
            if (_verification is { } verification)
            {
                await verification.RefreshStatusAsync(progress.SourceTime, cancellationToken).ConfigureAwait(false);
            }

            await _settings.Store.SaveOnlineStatusAsync(
                new OnlineStatus
                {
                    JobId = _settings.JobId,
                    Phase = Phase,
                    EventsCaptured = progress.EventsCaptured,
                    EventsApplied = progress.EventsApplied,
                    RecordsPending = progress.RecordsPending,
                    EventsPerSecond = progress.EventsPerSecond,
                    LagSeconds = Phase == OnlinePhase.CutOver ? 0 : progress.LagSeconds,
                    SourceTime = progress.SourceTime,
                    AppliedTime = progress.AppliedTime,
                    CutoverTime = Interlocked.Read(ref _cutoverTime) is var t && t != 0 ? unchecked((ulong)t) : null,
                    TargetTime = Interlocked.Read(ref _targetTime) is var target && target != 0 ? unchecked((ulong)target) : null,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException)
        {
            _settings.Logger.LogWarning("Could not save the online status in the job state: {Reason}", e.Message);
        }
    }

    private static Func<NamespaceName, NamespaceName> TargetMap(IReadOnlyList<(NamespaceName Source, NamespaceName Target)> collections)
    {
        var map = collections.ToDictionary(c => c.Source, c => c.Target);
        return source => map.TryGetValue(source, out var target) ? target : source;
    }
}
