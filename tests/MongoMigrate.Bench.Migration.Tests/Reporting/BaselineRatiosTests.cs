using MongoMigrate.Bench.Migration.Data;
using MongoMigrate.Bench.Migration.Reporting;
using MongoMigrate.Datasets;

namespace MongoMigrate.Bench.Migration.Tests.Reporting;

public sealed class BaselineRatiosTests
{
    [Fact]
    public void Each_round_compares_the_tool_with_the_baseline_run_of_the_same_round_and_failed_runs_do_not_count()
    {
        var scenario = Scenario(
            Result("direct", Sample(1, wall: 4, cpu: 2), Sample(2, wall: 5, cpu: 3), Sample(3, wall: 1, cpu: 1, error: "exit code 1")),
            Result("direct@baseline", Sample(1, wall: 5, cpu: 2), Sample(2, wall: 4, cpu: 2), Sample(3, wall: 1, cpu: 1)),
            Result("read-limit", Sample(1, wall: 1, cpu: 1)));

        var row = Assert.Single(BaselineRatios.Of(scenario));

        Assert.Equal("direct", row.Contender);
        Assert.Equal([5 / 4.0, 4 / 5.0], row.Throughput);
        Assert.Equal([1.0, 1.5], row.Cpu);
        Assert.Equal((1.25 + 0.8) / 2, BaselineRatios.Median(row.Throughput), 9);
        Assert.Contains("| direct | 1.250, 0.800 | 1.025 | 1.000, 1.500 | 1.250 |", BaselineRatios.Table(scenario), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_without_a_baseline_has_no_ratio_table()
    {
        var scenario = Scenario(Result("direct", Sample(1, wall: 4, cpu: 2)));

        Assert.Empty(BaselineRatios.Of(scenario));
        Assert.Equal(string.Empty, BaselineRatios.Table(scenario));
    }

    private static ScenarioResult Scenario(params ContenderResult[] contenders) => new()
    {
        Name = "main",
        Title = "main",
        Dataset = new DatasetShape(1000, 1, 1024, IdKind.ObjectId),
        Totals = new DatasetTotals(1, 1000, 1_000_000),
        Rounds = 3,
        Contenders = contenders,
    };

    private static ContenderResult Result(string name, params ContenderSample[] samples) =>
        new() { Name = name, Description = name, Available = true, Samples = samples };

    private static ContenderSample Sample(int round, double wall, double cpu, string? error = null) => new()
    {
        Round = round,
        Position = 1,
        WallSeconds = wall,
        UserCpuSeconds = cpu,
        SystemCpuSeconds = 0,
        PeakRssBytes = 1,
        SourceCpuSeconds = 0,
        TargetCpuSeconds = 0,
        MachineBusyCores = 1,
        DocumentsChecked = 1000,
        Error = error,
    };
}
