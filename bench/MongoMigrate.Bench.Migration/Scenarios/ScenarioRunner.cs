using System.Globalization;
using MongoMigrate.Bench.Migration.Reporting;

namespace MongoMigrate.Bench.Migration.Scenarios;

/// <summary>
/// Measures a scenario's contenders in rounds: round r starts at contender r (mod n), so that no contender
/// always runs first, on a cold server, or right after the same neighbour.
/// </summary>
public static class ScenarioRunner
{
    public static async Task<ScenarioResult> RunAsync(BenchmarkSession session, Scenario scenario, string? wrap, TextWriter log, CancellationToken cancellationToken)
    {
        var totals = await session.LoadAsync(scenario.Dataset, log, cancellationToken).ConfigureAwait(false);
        var runnable = new List<Contenders.Contender>();
        var unavailable = new Dictionary<string, string>();
        foreach (var contender in scenario.Contenders)
        {
            var missing = contender.RequiresCommand is { } command ? await session.MissingCommandAsync(command, cancellationToken).ConfigureAwait(false) : null;
            if (missing is null)
            {
                runnable.Add(contender);
            }
            else
            {
                unavailable[contender.Name] = missing;
                await log.WriteLineAsync($"  {contender.Name}: {missing}").ConfigureAwait(false);
            }
        }

        var samples = scenario.Contenders.ToDictionary(c => c.Name, _ => new List<ContenderSample>());
        for (var round = 0; round < scenario.Rounds; round++)
        {
            for (var i = 0; i < runnable.Count; i++)
            {
                var contender = runnable[(i + round) % runnable.Count];
                var sample = await session.RunAsync(contender, round + 1, i + 1, wrap, cancellationToken).ConfigureAwait(false);
                samples[contender.Name].Add(sample);
                await log.WriteLineAsync(Describe(scenario, contender.Name, round, sample, totals.Bytes)).ConfigureAwait(false);
            }
        }

        return new ScenarioResult
        {
            Name = scenario.Name,
            Title = scenario.Title,
            Dataset = scenario.Dataset,
            Totals = totals,
            Rounds = scenario.Rounds,
            Contenders = [.. scenario.Contenders.Select(c => new ContenderResult
            {
                Name = c.Name,
                Description = c.Description,
                Available = !unavailable.ContainsKey(c.Name),
                NotAvailableReason = unavailable.GetValueOrDefault(c.Name),
                Samples = samples[c.Name],
                Median = ContenderSummary.From(samples[c.Name], totals.Documents, totals.Bytes),
            })],
        };
    }

    private static string Describe(Scenario scenario, string name, int round, ContenderSample sample, long bytes)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"  [{scenario.Name} {round + 1}/{scenario.Rounds}] {name,-18} {sample.WallSeconds,7:F2} s {bytes / 1e6 / sample.WallSeconds,8:F1} MB/s  cpu {sample.CpuSeconds,6:F2} s  rss {sample.PeakRssBytes / 1e6,6:F0} MB  source {sample.SourceCpuSeconds,6:F2} s  target {sample.TargetCpuSeconds,6:F2} s  busy {sample.MachineBusyCores:F2} cores");
        line = sample.Beside is { } beside ? $"{line}  ({beside})" : line;
        return sample.Error is null ? line : $"{line}  FAILED: {sample.Error}";
    }
}
