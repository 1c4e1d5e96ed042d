using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.Verifying;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>
/// Verifications started from the dashboard: the engine's verifier (<see cref="VerifyJob"/>, what `verify` runs) over the
/// job's collections whose copy is done, source against target byte for byte by _id. One at a time; the last one's
/// result (its mismatches) stays shown. They stop when the job's run ends.
/// </summary>
internal sealed class VerificationRunner(VerifierSetup setup, string jobId, TimeProvider time, Func<string, string> redact) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Running? _running;
    private VerificationRun? _last;
    private int _count;

    /// <summary>The verification under way or the last one, or null before the first.</summary>
    public VerificationRun? Status() => Volatile.Read(ref _running) is { Run.IsCompleted: false } running ? running.Status() : Volatile.Read(ref _last);

    /// <summary>Starts verifying <paramref name="collections"/> whose copy is done.</summary>
    /// <exception cref="JobActionException">409: one is under way, or no collection is copied yet.</exception>
    public VerificationRun Start(IReadOnlyList<CollectionProgress> collections, Action changed)
    {
        if (Volatile.Read(ref _running) is { Run.IsCompleted: false } underWay)
        {
            throw new JobActionException(409, $"verification {underWay.Job.JobId} of job {jobId} is under way: wait for its result.");
        }

        var copied = collections.Where(c => c.Phase == CollectionPhase.Done).ToList();
        if (copied.Count == 0)
        {
            throw new JobActionException(409, $"no collection of job {jobId} is copied yet: start a verification once one is done.");
        }

        var selection = new NamespaceSelection([.. copied.Select(c => c.Source)], [], [.. copied.Where(c => c.Source != c.Target).Select(c => (c.Source, c.Target))]);
        var options = new VerifyJobOptions { JobId = $"{jobId}-verify-{Interlocked.Increment(ref _count)}", Selection = selection, Workers = setup.Workers };
        var job = new VerifyJob(setup.Source, setup.Target, options, setup.Coordinator, setup.Loggers, time);
        var running = new Running(job, RunAsync(job, changed), time.GetUtcNow(), copied.Count, redact);
        Volatile.Write(ref _running, running);
        return running.Status();
    }

    /// <summary>Stops a verification under way (the job's run has ended).</summary>
    public void Cancel() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();

    private async Task<VerifyReport?> RunAsync(VerifyJob job, Action changed)
    {
        await Task.Yield();
        var started = time.GetUtcNow();
        VerificationRun result;
        VerifyReport? report = null;
        try
        {
            report = await job.RunAsync(_stop.Token).ConfigureAwait(false);
            result = Finished(job.JobId, report, started, time.GetUtcNow(), redact);
        }
        catch (Exception e)
        {
            result = new VerificationRun(job.JobId, "failed", "failed", 0, 0, 0, 0, 0, started, time.GetUtcNow(), redact($"the verification failed: {e.Message}"), []);
        }

        Volatile.Write(ref _last, result);
        changed();
        return report;
    }

    private static VerificationRun Finished(string verifyJobId, VerifyReport report, DateTimeOffset started, DateTimeOffset finished, Func<string, string> redact)
    {
        var different = report.Namespaces.Where(n => !n.Equal).ToList();
        var mismatches = report.Namespaces.Sum(n => n.Missing + n.Extra + n.Different);
        var state = report.Reason is not null ? "stopped" : report.Equal ? "equal" : "different";
        var message = state switch
        {
            "stopped" => redact(report.Reason!),
            "equal" => $"equal: {report.Namespaces.Count} collection(s) compared byte for byte by _id, the target equals the source.",
            _ => $"different: {different.Count} of {report.Namespaces.Count} collection(s) differ ({mismatches} document(s)); writes made since their copy may explain them on an online job that still follows.",
        };
        return new VerificationRun(
            verifyJobId,
            state,
            state == "stopped" ? "stopped" : "done",
            state == "stopped" ? 0 : 100,
            report.Namespaces.Count,
            report.Namespaces.Count(n => n.RangesCompared == n.RangesSampled && n.Error is null),
            different.Count,
            mismatches,
            started,
            finished,
            message,
            [.. different.Select(n => new CollectionDifference(
                n.Source,
                n.Target,
                n.Missing,
                n.Extra,
                n.Different,
                n.OptionDifferences,
                n.IndexDifferences,
                [.. n.Mismatches.Take(50).Select(m => redact(m.ToString()))],
                n.Error is null ? null : redact(n.Error)))]);
    }

    private sealed record Running(VerifyJob Job, Task<VerifyReport?> Run, DateTimeOffset StartedAt, int Collections, Func<string, string> Redact)
    {
        public VerificationRun Status()
        {
            var snapshot = Job.Progress.Snapshot();
            return new VerificationRun(
                Job.JobId,
                "running",
                snapshot.Phase,
                snapshot.Percent,
                Collections,
                snapshot.Collections.Count(c => c.Phase == CollectionPhase.Done),
                snapshot.Collections.Count(c => c.Phase == CollectionPhase.Failed),
                0,
                StartedAt,
                null,
                $"verifying {Collections} copied collection(s) byte for byte by _id",
                []);
        }
    }
}
