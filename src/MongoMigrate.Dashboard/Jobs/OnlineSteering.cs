using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.Online;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>
/// An online job as the dashboard shows and steers it: its following's figures, and cutovers asked for through
/// <see cref="IOnlineJob.RequestCutoverAsync"/>, the engine call the live display's key and the `cutover` command make.
/// One cutover is under way at a time; the last one's result stays shown.
/// </summary>
internal sealed class OnlineSteering(IOnlineJob job, string jobId, TimeProvider time, Func<string, string> redact)
{
    private CutoverOutcome? _last;
    private ChangeStreamProgressSnapshot? _seen;
    private int _underWay;

    /// <summary>True when the job follows its source (--online).</summary>
    public bool IsOnline => job.IsOnline;

    /// <summary>The following's figures now, or null for a job that does not follow its source.</summary>
    public OnlineFigures? Figures(string phase)
    {
        if (!job.IsOnline)
        {
            return null;
        }

        // The job lets go of its following when it ends: its last figures stay shown.
        var following = job.Following;
        if (following is null)
        {
            following = Volatile.Read(ref _seen);
        }
        else
        {
            Volatile.Write(ref _seen, following);
        }

        var last = Volatile.Read(ref _last);
        var cutOver = last is { CutOver: true } || phase == OnlinePhase.CutOver;
        var rechecks = job.Rechecks;
        return (following is null
            ? new OnlineFigures(phase, 0, 0, 0, 0, cutOver ? 0 : null, null, last)
            : new OnlineFigures(
                phase,
                following.EventsCaptured,
                following.EventsApplied,
                following.RecordsPending,
                following.EventsPerSecond,
                cutOver ? 0 : following.LagSeconds,
                following.AppliedTime == 0 ? null : CutoverResult.Describe(following.AppliedTime),
                last)) with
        {
            RecheckPending = rechecks?.Pending,
            VerifierLagSeconds = rechecks?.LagSeconds,
            RecheckMismatches = rechecks?.Mismatches,
        };
    }

    /// <summary>Asks the job to cut over and waits for the engine's answer (asked during the copy, once the copy ends).</summary>
    /// <exception cref="JobActionException">409: the job does not follow its source, or a cutover is already under way.</exception>
    public async Task<CutoverOutcome> CutOverAsync(CutoverBody body, CancellationToken cancellationToken)
    {
        if (!job.IsOnline)
        {
            throw new JobActionException(409, $"job {jobId} is not an online job (it was started without --online): it ends when its copy ends, there is nothing to cut over.");
        }

        if (body.TimeoutSeconds is { } seconds && (double.IsNaN(seconds) || seconds <= 0 || seconds > 86_400))
        {
            throw new JobActionException(400, $"timeoutSeconds must be above 0 and at most 86400 (a day); {seconds} was asked.");
        }

        if (Interlocked.CompareExchange(ref _underWay, 1, 0) != 0)
        {
            throw new JobActionException(409, $"a cutover of job {jobId} is already under way: wait for its result.");
        }

        try
        {
            var asked = time.GetUtcNow();
            Volatile.Write(ref _last, new CutoverOutcome("asked", false, null, 0, 0, 0, body.BlockWrites, [], "cutover asked for: every change up to the source's cluster time is applied now, then changed documents are rechecked", asked, null));
            var request = new CutoverRequest(body.BlockWrites, body.TimeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : null);
            CutoverResult result;
            try
            {
                result = await job.RequestCutoverAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Volatile.Write(ref _last, null);
                throw;
            }

            var outcome = new CutoverOutcome(
                result.CutOver ? "cut over" : "not cut over",
                result.CutOver,
                result.ClusterTime == 0 ? null : CutoverResult.Describe(result.ClusterTime),
                result.Collections,
                result.DocumentsRechecked,
                result.Repaired,
                result.WritesBlocked,
                [.. result.Differences.Select(d => redact($"{d.SourceNamespace}: {d.Missing} missing, {d.Extra} extra, {d.Different} different{(d.Examples.Count > 0 ? " (" + d.Examples[0] + ")" : string.Empty)}"))],
                redact(result.Message),
                asked,
                time.GetUtcNow());
            Volatile.Write(ref _last, outcome);
            return outcome;
        }
        finally
        {
            Volatile.Write(ref _underWay, 0);
        }
    }
}
