using MongoMigrate.Bench.Migration.Contenders;
using MongoMigrate.Bench.Migration.Reporting;

namespace MongoMigrate.Bench.Migration.Scenarios;

/// <summary>
/// The targets of issue 17 read off the verify scenario: the verification's throughput against the read limit of
/// both sides (read at once, on the same machine), its CPU per GB against the copy's, and its peak RSS. Ratios are
/// taken round by round and their median decides, as for the copy's targets.
/// </summary>
public static class VerifyTargets
{
    public static void Add(IReadOnlyList<ScenarioResult> scenarios, List<TargetCheck> checks)
    {
        var scenario = scenarios.FirstOrDefault(s => s.Name == ScenarioPlan.Verify);
        if (scenario?.Find(ContenderCatalog.Verify)?.Median is not { } verify)
        {
            return;
        }

        const string name = ContenderCatalog.Verify;
        if (scenario.Find(ReadBothLimit.Name)?.Median is { } both
            && TargetEvaluation.PerRound(scenario, [name, ReadBothLimit.Name], r => r[ReadBothLimit.Name].WallSeconds / r[name].WallSeconds) is { } ratio)
        {
            checks.Add(new TargetCheck(
                "verify: throughput ≥ 0.8 × the read limit (both sides read at once: the slower side's limit on this machine)",
                TargetEvaluation.F($"{ratio} (medians: {verify.MegabytesPerSecond:F1} MB/s, {verify.DocumentsPerSecond:N0} docs/s against {both.MegabytesPerSecond:F1} MB/s of each side)"),
                ratio.Median >= 0.8));
        }

        if (scenario.Find(ReadLimit.Name)?.Median is { } alone
            && TargetEvaluation.PerRound(scenario, [name, ReadLimit.Name], r => r[ReadLimit.Name].WallSeconds / r[name].WallSeconds) is { } single)
        {
            // Shown for the record: a side read alone has both cores' worth of the machine, which a verification never has.
            checks.Add(new TargetCheck(
                "verify: throughput against the source's read limit read alone (for information)",
                TargetEvaluation.F($"{single} ({verify.MegabytesPerSecond:F1} against {alone.MegabytesPerSecond:F1} MB/s)"),
                null));
        }

        if (scenario.Find(ContenderCatalog.Direct)?.Median is { } copy
            && TargetEvaluation.PerRound(scenario, [name, ContenderCatalog.Direct], r => r[name].CpuSeconds / r[ContenderCatalog.Direct].CpuSeconds) is { } cpu)
        {
            checks.Add(new TargetCheck(
                "verify: CPU per GB below the copy's (migrate --method direct)",
                TargetEvaluation.F($"{cpu} (medians: {verify.CpuSecondsPerGigabyte:F2} against {copy.CpuSecondsPerGigabyte:F2} CPU s/GB)"),
                cpu.Median < 1));
        }

        checks.Add(new TargetCheck(
            $"verify: peak RSS < {TargetEvaluation.RssLimitMegabytes:F0} MB",
            TargetEvaluation.F($"{verify.PeakRssMegabytes:F0} MB"),
            verify.PeakRssMegabytes < TargetEvaluation.RssLimitMegabytes));
    }
}
