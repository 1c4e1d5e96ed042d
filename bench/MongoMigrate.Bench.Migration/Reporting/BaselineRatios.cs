using System.Globalization;
using System.Text;
using MongoMigrate.Bench.Migration.Contenders;

namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>
/// The tool against the baseline build, round by round: each round ran both on the same servers moments apart,
/// so the ratio of a round is steadier than the ratio of two medians from separate runs.
/// </summary>
public static class BaselineRatios
{
    /// <summary>One row per contender that ran with both builds; empty when the run had no baseline.</summary>
    public static IReadOnlyList<BaselineRatio> Of(ScenarioResult scenario)
    {
        var byName = scenario.Contenders.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var rows = new List<BaselineRatio>();
        foreach (var tool in scenario.Contenders)
        {
            if (!byName.TryGetValue($"{tool.Name}@{Contender.BaselineLabel}", out var baseline))
            {
                continue;
            }

            var rounds = new List<(double Throughput, double Cpu)>();
            foreach (var sample in tool.Samples.Where(s => s.Error is null))
            {
                if (baseline.Samples.FirstOrDefault(b => b.Round == sample.Round && b.Error is null) is { } other && sample.WallSeconds > 0 && other.CpuSeconds > 0)
                {
                    rounds.Add((other.WallSeconds / sample.WallSeconds, sample.CpuSeconds / other.CpuSeconds));
                }
            }

            rows.Add(new BaselineRatio(tool.Name, [.. rounds.Select(r => r.Throughput)], [.. rounds.Select(r => r.Cpu)]));
        }

        return rows;
    }

    /// <summary>The rows as a Markdown table, or an empty string when there are none.</summary>
    public static string Table(ScenarioResult scenario)
    {
        var rows = Of(scenario);
        if (rows.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Against the baseline (NAME / NAME@{Contender.BaselineLabel}, round by round; above 1 the tool is faster, or uses more CPU):");
        text.AppendLine();
        text.AppendLine("| contender | docs/s ratio per round | median | CPU ratio per round | median |");
        text.AppendLine("|---|---|---:|---|---:|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Contender} | {Join(row.Throughput)} | {Median(row.Throughput):F3} | {Join(row.Cpu)} | {Median(row.Cpu):F3} |");
        }

        return text.ToString();
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Join(IReadOnlyList<double> values) =>
        string.Join(", ", values.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)));
}
