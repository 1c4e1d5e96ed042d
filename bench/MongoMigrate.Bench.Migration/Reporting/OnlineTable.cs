using System.Globalization;
using System.Text;
using MongoMigrate.Bench.Migration.Contenders;

namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>
/// The online runs' own figures (issue 16), medians over their good samples: the copy's time and throughput (its
/// phase leaving "copying", read from the job state the job saves every second), the write load reached, the
/// catch-up, events applied a second and the lag while following, the cutover's time and the verification after it.
/// </summary>
public static class OnlineTable
{
    public static string Format(ScenarioResult scenario)
    {
        var online = scenario.Contenders.Where(c => c.Samples.Any(s => s.Metrics is not null)).ToList();
        if (online.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        text.AppendLine("| online run | copy s | copy MB/s | writes/s | catch-up: events in s | following events/s | lag p50 / p99 / max s | verifier lag p99 / max s | cutover s (with the command) | verify |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var contender in online)
        {
            var good = contender.Samples.Where(s => s.Error is null && s.Metrics is not null).ToList();
            if (good.Count == 0)
            {
                Line(text, $"| {contender.Name} | failed: {contender.Samples.FirstOrDefault(s => s.Error is not null)?.Error} | | | | | | | | |");
                continue;
            }

            string M(string name, string format = "F2") => Median(good, name) is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
            var copyRate = Median(good, OnlineMetrics.CopySeconds) is { } copy and > 0 ? (scenario.Totals.Bytes / 1e6 / copy).ToString("F1", CultureInfo.InvariantCulture) : "-";
            var equal = good.All(s => s.Metrics!.GetValueOrDefault(OnlineMetrics.VerifyEqual) == 1) ? "equal" : "NOT equal";
            Line(text, $"| {contender.Name} | {M(OnlineMetrics.CopySeconds)} | {copyRate} | {M(OnlineMetrics.WritesPerSecond, "N0")} | {M(OnlineMetrics.CatchUpEvents, "N0")} in {M(OnlineMetrics.CatchUpSeconds, "F1")} | {M(OnlineMetrics.FollowingEventsPerSecond, "N0")} | {M(OnlineMetrics.LagP50)} / {M(OnlineMetrics.LagP99)} / {M(OnlineMetrics.LagMax)} | {M(OnlineMetrics.VerifierLagP99)} / {M(OnlineMetrics.VerifierLagMax)} | {M(OnlineMetrics.CutoverSeconds)} ({M(OnlineMetrics.CutoverCommandSeconds)}) | {equal} |");
        }

        text.AppendLine();
        text.AppendLine("Copy s: from the start of `migrate --online` until its job state left \"copying\" (saved every second, read every half second), as the copy's wall time for `direct` includes its start too. Lag: each status the job saved while following, as `jobs --json` shows it.");
        return text.ToString();
    }

    /// <summary>The median of a metric over the samples that have it, or null.</summary>
    public static double? Median(IEnumerable<ContenderSample> samples, string name)
    {
        var values = samples.Where(s => s.Metrics is not null && s.Metrics.ContainsKey(name)).Select(s => s.Metrics![name]).Where(v => !double.IsNaN(v)).Order().ToList();
        return values.Count == 0 ? null : values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
