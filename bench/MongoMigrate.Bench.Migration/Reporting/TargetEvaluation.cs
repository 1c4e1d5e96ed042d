using System.Globalization;
using MongoMigrate.Bench.Migration.Contenders;
using MongoMigrate.Bench.Migration.Scenarios;

namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>
/// Reads the targets of issue 7 off the medians, always as ratios within one scenario of one run, for
/// the engine's direct copy and its dump-restore.
/// </summary>
public static class TargetEvaluation
{
    private const double RssLimitMegabytes = 300;

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

            if (read is not null && write is not null)
            {
                var limit = Math.Min(read.MegabytesPerSecond, write.MegabytesPerSecond);
                var ratio = e.MegabytesPerSecond / limit;
                checks.Add(new TargetCheck(
                    $"{engine}: throughput ≥ 0.8 × min(read limit, write limit)",
                    F($"{e.MegabytesPerSecond:F1} MB/s = {ratio:F2} × min({read.MegabytesPerSecond:F1}, {write.MegabytesPerSecond:F1}) MB/s"),
                    ratio >= 0.8));
            }

            if (hand is not null)
            {
                var speedup = e.MegabytesPerSecond / hand.MegabytesPerSecond;
                checks.Add(new TargetCheck(
                    $"{engine}: throughput ≥ 2 × the hand-written copy",
                    F($"{e.MegabytesPerSecond:F1} MB/s = {speedup:F2} × {hand.MegabytesPerSecond:F1} MB/s"),
                    speedup >= 2));
                var cpu = e.CpuSecondsPerGigabyte / hand.CpuSecondsPerGigabyte;
                checks.Add(new TargetCheck(
                    $"{engine}: CPU per GB ≤ 0.5 × the hand-written copy's",
                    F($"{e.CpuSecondsPerGigabyte:F2} s/GB = {cpu:F2} × {hand.CpuSecondsPerGigabyte:F2} s/GB"),
                    cpu <= 0.5));
            }

            checks.Add(new TargetCheck(
                $"{engine}: peak RSS < {RssLimitMegabytes:F0} MB",
                F($"{e.PeakRssMegabytes:F0} MB"),
                e.PeakRssMegabytes < RssLimitMegabytes));
        }

        AddMemoryFlatness(scenarios, checks);
        AddCollectionScaling(scenarios, checks);
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

        foreach (var engine in new[] { ContenderCatalog.Direct, ContenderCatalog.DumpRestore })
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

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
