using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MongoMigrate.Bench.Migration.Data;
using MongoMigrate.Bench.Migration.Processes;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Online;

namespace MongoMigrate.Bench.Migration.Contenders;

/// <summary>
/// Drives one `migrate --online` run from beside it, as an operator and an application would: a steady write load on
/// the source from the start (none when the rate is 0), the job's state read every half second as `jobs --json`
/// reads it (the job saves its online status every second), following for a set time once caught up, then the
/// write load stopped, `mongomigrate cutover` asked from another process and timed, and `mongomigrate verify` run
/// after it. The migrate process ends by itself once cut over.
/// </summary>
public static class OnlineDriver
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    public static async Task<BesideReport> RunAsync(ContenderContext context, string jobId, int writesPerSecond, int documentSize, TimeSpan follow, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var load = writesPerSecond > 0 ? SourceWriteLoad.Start(context.Source, writesPerSecond, documentSize) : null;
        var metrics = new Dictionary<string, double>();
        WriteLoadResult? written = null;
        try
        {
            var watch = await WatchAsync(context.WorkDirectory, jobId, follow, clock, metrics, cancellationToken).ConfigureAwait(false);
            if (load is not null)
            {
                written = await load.StopAsync().ConfigureAwait(false);
                load = null;
            }

            metrics[OnlineMetrics.WritesPerSecond] = written?.OperationsPerSecond ?? 0;
            if (watch is not null)
            {
                return new BesideReport(Note(metrics, written), metrics, watch);
            }

            var cutover = await MeasuredProcess.RunAsync(DotnetHost.Path, [context.CliDll, "cutover", "--job-id", jobId, "--work-dir", context.WorkDirectory, "--json"], Patience, cancellationToken).ConfigureAwait(false);
            metrics[OnlineMetrics.CutoverCommandSeconds] = cutover.Wall.TotalSeconds;
            var answer = cutover.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
            if (answer is null)
            {
                return new BesideReport(Note(metrics, written), metrics, $"cutover printed no answer (exit code {cutover.ExitCode}): {cutover.Error.Trim()}");
            }

            using (var result = JsonDocument.Parse(answer))
            {
                metrics[OnlineMetrics.CutoverSeconds] = result.RootElement.GetProperty("elapsedSeconds").GetDouble();
                if (!result.RootElement.GetProperty("cutOver").GetBoolean())
                {
                    return new BesideReport(Note(metrics, written), metrics, $"not cut over: {result.RootElement.GetProperty("message").GetString()}");
                }
            }

            var verify = await MeasuredProcess.RunAsync(DotnetHost.Path, [context.CliDll, "verify", "--source", context.Source, "--target", context.Target, "--json"], Patience, cancellationToken).ConfigureAwait(false);
            var report = VerifyOutput.Read(verify.Output);
            metrics[OnlineMetrics.VerifyEqual] = report is { Equal: true } ? 1 : 0;
            return report is { Equal: true }
                ? new BesideReport(Note(metrics, written), metrics)
                : new BesideReport(Note(metrics, written), metrics, $"verify after the cutover says {report?.Summary ?? $"nothing readable (exit code {verify.ExitCode})"}");
        }
        finally
        {
            if (load is not null)
            {
                await load.StopAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Watches the job until it has followed for <paramref name="follow"/>; null then, else why it could not.</summary>
    private static async Task<string?> WatchAsync(string workDirectory, string jobId, TimeSpan follow, Stopwatch clock, Dictionary<string, double> metrics, CancellationToken cancellationToken)
    {
        TimeSpan? copied = null, following = null;
        long appliedAtCopyEnd = 0, appliedAtFollowing = 0;
        var catchUpLag = 0.0;
        DateTimeOffset? lastSaved = null;
        var lags = new List<double>();
        var verifierLags = new List<double>();
        using var timer = new PeriodicTimer(Poll);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (clock.Elapsed > Patience)
            {
                return $"the job did not follow for {follow.TotalSeconds:N0} s within {Patience.TotalMinutes:N0} minutes";
            }

            var job = (await JobCatalog.ListAsync(workDirectory, cancellationToken: cancellationToken).ConfigureAwait(false)).FirstOrDefault(j => j.JobId == jobId);
            if (job is { State: "failed" })
            {
                return $"the job failed: {job.Error ?? job.RecentFailures.LastOrDefault()?.Message}";
            }

            if (job?.Online is not { } online || online.UpdatedAt == lastSaved)
            {
                continue;
            }

            lastSaved = online.UpdatedAt;
            metrics[OnlineMetrics.EventsCaptured] = online.EventsCaptured;
            if (copied is null && online.Phase != OnlinePhase.Copying)
            {
                copied = clock.Elapsed;
                appliedAtCopyEnd = online.EventsApplied;
                metrics[OnlineMetrics.CopySeconds] = copied.Value.TotalSeconds;
            }

            if (online.Phase == OnlinePhase.CatchingUp)
            {
                catchUpLag = Math.Max(catchUpLag, online.LagSeconds ?? 0);
            }

            if (online.Phase != OnlinePhase.Following)
            {
                continue;
            }

            if (following is null)
            {
                following = clock.Elapsed;
                appliedAtFollowing = online.EventsApplied;
                metrics[OnlineMetrics.CatchUpSeconds] = (following - copied)!.Value.TotalSeconds;
                metrics[OnlineMetrics.CatchUpEvents] = appliedAtFollowing - appliedAtCopyEnd;
                metrics[OnlineMetrics.CatchUpLagMax] = catchUpLag;
                continue;
            }

            lags.Add(online.LagSeconds ?? double.NaN);
            if (job.Rechecks is { } rechecks)
            {
                verifierLags.Add(rechecks.LagSeconds);
            }

            var followed = clock.Elapsed - following.Value;
            metrics[OnlineMetrics.FollowingEventsPerSecond] = (online.EventsApplied - appliedAtFollowing) / followed.TotalSeconds;
            if (followed >= follow)
            {
                var known = lags.Where(l => !double.IsNaN(l)).Order().ToList();
                metrics[OnlineMetrics.LagSamples] = known.Count;
                if (known.Count > 0)
                {
                    metrics[OnlineMetrics.LagP50] = Percentile(known, 0.5);
                    metrics[OnlineMetrics.LagP99] = Percentile(known, 0.99);
                    metrics[OnlineMetrics.LagMax] = known[^1];
                }

                if (verifierLags.Count > 0)
                {
                    var sorted = verifierLags.Order().ToList();
                    metrics[OnlineMetrics.VerifierLagP99] = Percentile(sorted, 0.99);
                    metrics[OnlineMetrics.VerifierLagMax] = sorted[^1];
                }

                return known.Count == 0 ? "the job never reported its lag while following" : null;
            }
        }

        return "stopped";
    }

    /// <summary>The value below which <paramref name="share"/> of the sorted values lie (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double share) =>
        sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Note(Dictionary<string, double> metrics, WriteLoadResult? written)
    {
        string Get(string name, string format) => metrics.TryGetValue(name, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
        var load = written is null
            ? "no writes"
            : string.Create(CultureInfo.InvariantCulture, $"{written.Operations:N0} writes at {written.OperationsPerSecond:N0}/s{(written.Failures > 0 ? $" ({written.Failures} bulk writes failed: {written.LastFailure})" : string.Empty)}");
        return $"online: {load}; copy {Get(OnlineMetrics.CopySeconds, "F1")} s, catch-up {Get(OnlineMetrics.CatchUpEvents, "N0")} events in {Get(OnlineMetrics.CatchUpSeconds, "F1")} s, "
            + $"following {Get(OnlineMetrics.FollowingEventsPerSecond, "N0")} events/s, lag p99 {Get(OnlineMetrics.LagP99, "F2")} s (max {Get(OnlineMetrics.LagMax, "F2")}), "
            + $"cutover {Get(OnlineMetrics.CutoverSeconds, "F2")} s ({Get(OnlineMetrics.CutoverCommandSeconds, "F2")} s with the command), verify {(metrics.TryGetValue(OnlineMetrics.VerifyEqual, out var e) ? e == 1 ? "equal" : "NOT equal" : "-")}";
    }
}
