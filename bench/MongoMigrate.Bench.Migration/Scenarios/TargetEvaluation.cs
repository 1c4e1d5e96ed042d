using System.Globalization;
using MongoMigrate.Bench.Migration.Contenders;
using MongoMigrate.Bench.Migration.Reporting;

namespace MongoMigrate.Bench.Migration.Scenarios;

/// <summary>
/// Reads the targets of issue 7 off one run, for the engine's direct copy and its dump-restore. Ratios
/// between contenders are taken round by round (contenders of one round ran minutes apart, on a machine
/// whose load changes) and the verdict is their median; the medians of each contender are shown beside.
/// </summary>
public static class TargetEvaluation
{
    internal const double RssLimitMegabytes = 300;

    public static IReadOnlyList<TargetCheck> Evaluate(IReadOnlyList<ScenarioResult> scenarios)
    {
        var checks = new List<TargetCheck>();
        var main = scenarios.FirstOrDefault(s => s.Name == ScenarioPlan.Main);
        var read = main?.Find(ReadLimit.Name)?.Median;
        var write = main?.Find(WriteLimit.Name)?.Median;
        var hand = main?.Find(HandWrittenCopy.Name)?.Median;
        foreach (var engine in new[] { ContenderCatalog.Direct, ContenderCatalog.DumpRestore })
        {
            var e = main?.Find(engine)?.Median;
            if (e is null)
            {
                continue;
            }

            if (read is not null && write is not null
                && PerRound(main!, [engine, ReadLimit.Name, WriteLimit.Name], r => Math.Max(r[ReadLimit.Name].WallSeconds, r[WriteLimit.Name].WallSeconds) / r[engine].WallSeconds) is { } ratio)
            {
                checks.Add(new TargetCheck(
                    $"{engine}: throughput ≥ 0.8 × min(read limit, write limit)",
                    F($"{ratio} (medians: {e.MegabytesPerSecond:F1} MB/s against min({read.MegabytesPerSecond:F1}, {write.MegabytesPerSecond:F1}) MB/s)"),
                    ratio.Median >= 0.8));
            }

            if (hand is not null && PerRound(main!, [engine, HandWrittenCopy.Name], r => r[HandWrittenCopy.Name].WallSeconds / r[engine].WallSeconds) is { } speedup)
            {
                checks.Add(new TargetCheck(
                    $"{engine}: throughput ≥ 2 × the hand-written copy",
                    F($"{speedup} (medians: {e.MegabytesPerSecond:F1} against {hand.MegabytesPerSecond:F1} MB/s)"),
                    speedup.Median >= 2));
            }

            if (hand is not null && PerRound(main!, [engine, HandWrittenCopy.Name], r => r[engine].CpuSeconds / r[HandWrittenCopy.Name].CpuSeconds) is { } cpu)
            {
                checks.Add(new TargetCheck(
                    $"{engine}: CPU per GB ≤ 0.5 × the hand-written copy's",
                    F($"{cpu} (medians: {e.CpuSecondsPerGigabyte:F2} against {hand.CpuSecondsPerGigabyte:F2} CPU s/GB)"),
                    cpu.Median <= 0.5));
            }

            checks.Add(new TargetCheck(
                $"{engine}: peak RSS < {RssLimitMegabytes:F0} MB",
                F($"{e.PeakRssMegabytes:F0} MB"),
                e.PeakRssMegabytes < RssLimitMegabytes));
        }

        AddMemoryFlatness(scenarios, checks);
        AddCollectionScaling(scenarios, checks);
        VerifyTargets.Add(scenarios, checks);
        OnlineTargets.Add(scenarios, checks);
        return checks;
    }

    private static void AddMemoryFlatness(IReadOnlyList<ScenarioResult> scenarios, List<TargetCheck> checks)
    {
        var small = scenarios.FirstOrDefault(s => s.Name == ScenarioPlan.SmallDataset);
        var large = scenarios.FirstOrDefault(s => s.Name == ScenarioPlan.LargeDataset);
        if (small is null || large is null)
        {
            return;
        }

        // direct-verified is the default migrate, verification included (issue 17 asks it flat too).
        foreach (var engine in new[] { ContenderCatalog.Direct, ContenderCatalog.DirectVerified, ContenderCatalog.DumpRestore })
        {
            if (small.Find(engine)?.Median is { } s && large.Find(engine)?.Median is { } l)
            {
                var growth = (l.PeakRssMegabytes / s.PeakRssMegabytes) - 1;
                checks.Add(new TargetCheck(
                    $"{engine}: peak RSS < {RssLimitMegabytes:F0} MB and within 20% from {small.Totals.Documents:N0} to {large.Totals.Documents:N0} documents",
                    F($"{s.PeakRssMegabytes:F0} MB → {l.PeakRssMegabytes:F0} MB ({growth:+0%;-0%})"),
                    Math.Abs(growth) <= 0.2 && l.PeakRssMegabytes < RssLimitMegabytes && s.PeakRssMegabytes < RssLimitMegabytes));
            }
        }
    }

    /// <summary>
    /// Many small collections cost every contender more per byte (a find, a create, an insert per
    /// collection). The engine's scheduling must not add to that: its throughput at many collections,
    /// relative to few, must fall by no more than the source read limit's does (within 20%).
    /// </summary>
    private static void AddCollectionScaling(IReadOnlyList<ScenarioResult> scenarios, List<TargetCheck> checks)
    {
        var few = scenarios.FirstOrDefault(s => s.Name == ScenarioPlan.FewCollections);
        var many = scenarios.FirstOrDefault(s => s.Name == ScenarioPlan.ManyCollections);
        if (few?.Find(ContenderCatalog.Direct)?.Median is not { } directFew || many?.Find(ContenderCatalog.Direct)?.Median is not { } directMany
            || few.Find(ReadLimit.Name)?.Median is not { } readFew || many.Find(ReadLimit.Name)?.Median is not { } readMany)
        {
            return;
        }

        var engineKept = directMany.MegabytesPerSecond / directFew.MegabytesPerSecond;
        var readKept = readMany.MegabytesPerSecond / readFew.MegabytesPerSecond;
        checks.Add(new TargetCheck(
            $"direct: throughput with {many.Totals.Collections:N0} collections keeps ≥ 0.8 × the share the read limit keeps (vs {few.Totals.Collections:N0})",
            F($"direct keeps {engineKept:P0} ({directFew.MegabytesPerSecond:F1} → {directMany.MegabytesPerSecond:F1} MB/s), read limit keeps {readKept:P0} ({readFew.MegabytesPerSecond:F1} → {readMany.MegabytesPerSecond:F1} MB/s)"),
            engineKept >= 0.8 * readKept));
    }

    /// <summary>The ratio in every round where all <paramref name="names"/> have a good sample; null when there is none.</summary>
    internal static RoundRatios? PerRound(ScenarioResult scenario, string[] names, Func<IReadOnlyDictionary<string, ContenderSample>, double> ratio)
    {
        var values = new List<double>();
        var rounds = scenario.Contenders.Where(c => names.Contains(c.Name)).SelectMany(c => c.Samples).Select(s => s.Round).Distinct().Order();
        foreach (var round in rounds)
        {
            var samples = new Dictionary<string, ContenderSample>();
            foreach (var name in names)
            {
                if (scenario.Find(name)?.Samples.FirstOrDefault(s => s.Round == round && s.Error is null && s.WallSeconds > 0) is { } sample)
                {
                    samples[name] = sample;
                }
            }

            if (samples.Count == names.Length)
            {
                values.Add(ratio(samples));
            }
        }

        return values.Count == 0 ? null : new RoundRatios([.. values]);
    }

    internal static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A ratio measured in each round, and its median.</summary>
    internal sealed record RoundRatios(IReadOnlyList<double> Values)
    {
        public double Median
        {
            get
            {
                var sorted = Values.Order().ToList();
                return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
            }
        }

        public override string ToString() =>
            F($"{Median:F2} × (median of rounds: {string.Join(", ", Values.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))})");
    }
}
