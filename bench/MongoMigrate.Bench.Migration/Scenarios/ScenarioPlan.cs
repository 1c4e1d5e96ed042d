using MongoMigrate.Bench.Migration.Contenders;

namespace MongoMigrate.Bench.Migration.Scenarios;

/// <summary>Which scenarios a run measures: the main table, and with --scaling the worker, collection-count and dataset-size runs.</summary>
public static class ScenarioPlan
{
    public const string Main = "main";
    public const string Workers = "workers";
    public const string FewCollections = "collections-few";
    public const string ManyCollections = "collections-many";
    public const string SmallDataset = "documents-small";
    public const string LargeDataset = "documents-large";

    /// <summary>The dashboard's cost: direct with and without --dashboard and a client; only when named in --scenarios.</summary>
    public const string Dashboard = "dashboard";

    /// <summary>
    /// `mongomigrate verify` of a target equal to the source (issue 17) against the read limit of both sides, with the
    /// copy's CPU beside; only when named in --scenarios.
    /// </summary>
    public const string Verify = "verify";

    /// <summary>
    /// `migrate --online` with and without a write load on the source, followed, cut over and verified (issue 16),
    /// beside the offline copy; only when named in --scenarios.
    /// </summary>
    public const string Online = "online";

    /// <summary>Every scenario's name, in the order they run.</summary>
    public static readonly IReadOnlyList<string> Names = [Main, Workers, FewCollections, ManyCollections, SmallDataset, LargeDataset, Dashboard, Verify, Online];

    public static IReadOnlyList<Scenario> Create(BenchOptions options)
    {
        var scenarios = options.Scenarios.Count == 0
            ? All(options)
            : [.. All(options with { Scaling = true }).Where(s => options.Scenarios.Contains(s.Name, StringComparer.OrdinalIgnoreCase))];
        return options.BaselinePath is { } baseline
            ? [.. scenarios.Select(s => WithBaseline(s, Path.GetFullPath(baseline), options.BaselineArguments))]
            : scenarios;
    }

    /// <summary>Each contender that runs the tool followed by its run with the baseline build, so the rounds alternate the two.</summary>
    private static Scenario WithBaseline(Scenario scenario, string baseline, IReadOnlyList<string> arguments) => scenario with
    {
        Contenders = [.. scenario.Contenders.SelectMany(c => c.RunsTool ? [c, c.WithBuild(Contender.BaselineLabel, baseline, arguments)] : new[] { c })],
    };

    private static List<Scenario> All(BenchOptions options)
    {
        var main = ContenderCatalog.MainTable(options.Workers)
            .Where(c => options.Only.Count == 0 || options.Only.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            .ToList();
        var scenarios = new List<Scenario> { new(Main, $"All contenders: {options.MainDataset}", options.MainDataset, main, options.Repeat) };
        if (options.Scenarios.Contains(Dashboard, StringComparer.OrdinalIgnoreCase))
        {
            Contender[] pair = [ContenderCatalog.MainTable(options.Workers).Single(c => c.Name == ContenderCatalog.Direct), ContenderCatalog.DirectWithDashboard(options.Workers)];
            scenarios.Add(new Scenario(Dashboard, $"The dashboard's cost (issue 18: under 3% of throughput): {options.MainDataset}", options.MainDataset, pair, options.Repeat));
        }

        if (options.Scenarios.Contains(Verify, StringComparer.OrdinalIgnoreCase))
        {
            var table = ContenderCatalog.MainTable(options.Workers).ToDictionary(c => c.Name);
            Contender[] verify =
            [
                table[ReadLimit.Name], ContenderCatalog.ReadBoth(options.Workers), table[ContenderCatalog.Direct],
                ContenderCatalog.VerifyWith(null), ContenderCatalog.VerifyWith(1), ContenderCatalog.VerifyWith(2),
            ];
            scenarios.Add(new Scenario(Verify, $"Verification of a target equal to the source against the read limit of both sides (issue 17: ≥ 0.8 × the read limit, CPU per GB below the copy's): {options.MainDataset}", options.MainDataset, verify, options.Repeat));
        }

        if (options.Scenarios.Contains(Online, StringComparer.OrdinalIgnoreCase))
        {
            var table = ContenderCatalog.MainTable(options.Workers).ToDictionary(c => c.Name);
            Contender[] online =
            [
                table[ContenderCatalog.Direct], table[ContenderCatalog.DirectVerified],
                ContenderCatalog.Online(options.Workers, 0, options.DocumentSize, options.Follow),
                ContenderCatalog.Online(options.Workers, options.WriteRate, options.DocumentSize, options.Follow),
            ];
            scenarios.Add(new Scenario(Online, $"Online migration with {options.WriteRate:N0} writes a second on the source and without, followed {options.Follow.TotalSeconds:N0} s, cut over and verified (issue 16): {options.MainDataset}", options.MainDataset, online, options.Repeat));
        }

        if (!options.Scaling)
        {
            return scenarios;
        }

        scenarios.Add(new Scenario(Workers, $"mongomigrate --method direct with 1, 2, 4 and 8 workers: {options.MainDataset}", options.MainDataset, [.. new[] { 1, 2, 4, 8 }.Select(ContenderCatalog.DirectWith)], options.Repeat));

        var limits = ContenderCatalog.MainTable(options.Workers).ToDictionary(c => c.Name);
        Contender[] perCollection = [limits[ReadLimit.Name], limits[HandWrittenCopy.Name], limits[ContenderCatalog.Direct]];
        var many = options.Quick ? 100 : 1000;
        var few = options.MainDataset with { Collections = 10 };
        scenarios.Add(new Scenario(FewCollections, $"Few collections: {few}", few, perCollection, options.Repeat));
        var manyShape = options.MainDataset with { Collections = many };
        scenarios.Add(new Scenario(ManyCollections, $"Many small collections: {manyShape}", manyShape, perCollection, options.Repeat));

        Contender[] perSize = [limits[ReadLimit.Name], limits[ContenderCatalog.Direct], limits[ContenderCatalog.DirectVerified], limits[ContenderCatalog.DumpRestore]];
        var small = options.MainDataset with { Documents = options.Quick ? 10_000 : 100_000 };
        var large = options.MainDataset with { Documents = options.Quick ? 100_000 : 1_000_000 };
        scenarios.Add(new Scenario(SmallDataset, $"Small dataset: {small}", small, perSize, options.Repeat));
        scenarios.Add(new Scenario(LargeDataset, $"Large dataset: {large}", large, perSize, options.Repeat));
        return scenarios;
    }
}
