using System.Globalization;
using System.Text;

namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>The report as Markdown tables: printed on the console and written beside the JSON for docs/benchmarks.md.</summary>
public static class MarkdownReport
{
    public static string Format(BenchmarkReport report)
    {
        var text = new StringBuilder();
        Line(text, $"Migration benchmark of {report.Date:yyyy-MM-dd HH:mm} UTC on {report.Machine}.");
        Line(text, $"Command: `{report.Command}`");
        Line(text, $"Child CPU and peak RSS by {(report.Measurement == "rusage" ? "the kernel's rusage at exit (GNU time)" : "polling /proc every 20 ms")}; load average {report.LoadAverageBefore:F2} before, {report.LoadAverageAfter:F2} after.");
        if (!report.OptimizedBuild)
        {
            text.AppendLine("WARNING: a Debug build; these figures only show that the harness works.");
        }

        foreach (var scenario in report.Scenarios)
        {
            text.AppendLine();
            Line(text, $"### {scenario.Name}: {scenario.Title}");
            text.AppendLine();
            Line(text, $"{scenario.Totals.Documents:N0} documents, {scenario.Totals.Bytes / 1e6:N1} MB of BSON in {scenario.Totals.Collections:N0} collections; medians of {scenario.Rounds} alternating round(s).");
            text.AppendLine();
            text.AppendLine(Table(scenario));
            if (OnlineTable.Format(scenario) is { Length: > 0 } online)
            {
                text.AppendLine(online);
            }
            if (BaselineRatios.Table(scenario) is { Length: > 0 } ratios)
            {
                text.AppendLine(ratios);
            }
        }

        if (report.Targets.Count > 0)
        {
            text.AppendLine();
            Line(text, $"### Targets");
            text.AppendLine();
            text.AppendLine("| target | measured | result |");
            text.AppendLine("|---|---|---|");
            foreach (var check in report.Targets)
            {
                Line(text, $"| {check.Target} | {check.Measured} | {(check.Met switch { true => "met", false => "**missed**", null => "n/a" })} |");
            }
        }

        return text.ToString();
    }

    /// <summary>One scenario's table: rates over the dataset's bytes; CPU s/GB is the contender's own process(es).</summary>
    public static string Table(ScenarioResult scenario)
    {
        var text = new StringBuilder();
        text.AppendLine("| contender | wall s | docs/s | MB/s | CPU s/GB | peak RSS MB | source CPU s/GB | target CPU s/GB | busy cores |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var contender in scenario.Contenders)
        {
            if (!contender.Available)
            {
                Line(text, $"| {contender.Name} | {contender.NotAvailableReason} | | | | | | | |");
                continue;
            }

            if (contender.Median is not { } m)
            {
                var error = contender.Samples.FirstOrDefault(s => s.Error is not null)?.Error ?? "no sample";
                Line(text, $"| {contender.Name} | failed: {error} | | | | | | | |");
                continue;
            }

            var failed = contender.Samples.Count(s => s.Error is not null);
            var name = failed == 0 ? contender.Name : $"{contender.Name} ({failed} failed run(s))";
            Line(text, $"| {name} | {m.WallSeconds:F2} | {m.DocumentsPerSecond:N0} | {m.MegabytesPerSecond:F1} | {m.CpuSecondsPerGigabyte:F2} | {m.PeakRssMegabytes:F0} | {m.SourceCpuSecondsPerGigabyte:F2} | {m.TargetCpuSecondsPerGigabyte:F2} | {m.MachineBusyCores:F2} |");
        }

        text.AppendLine();
        foreach (var contender in scenario.Contenders)
        {
            Line(text, $"- `{contender.Name}`: {contender.Description}");
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
