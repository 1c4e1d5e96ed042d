using MongoMigrate.Bench.Migration.Contenders;
using MongoMigrate.Bench.Migration.Scenarios;

namespace MongoMigrate.Bench.Migration.Tests.Contenders;

public sealed class BaselineContenderTests
{
    private static readonly ContenderContext Context = new("/after/mongomigrate.dll", "/harness.dll", "mongodb://s", "mongodb://t", "/work", "/batches");

    [Fact]
    public void A_baseline_runs_each_tool_contender_right_after_it_and_leaves_the_limits_alone()
    {
        var options = BenchOptions.Parse(["--only", "direct,dump-restore,read-limit", "--baseline", "/before/mongomigrate.dll"]);

        var main = ScenarioPlan.Create(options).Single(s => s.Name == ScenarioPlan.Main);

        Assert.Equal(["read-limit", "direct", "direct@baseline", "dump-restore", "dump-restore@baseline"], main.Contenders.Select(c => c.Name));
    }

    [Fact]
    public void The_baseline_build_runs_the_same_command_and_its_arguments_replace_or_add_options()
    {
        var direct = ContenderCatalog.MainTable(4).Single(c => c.Name == ContenderCatalog.Direct);

        var baseline = direct.WithBuild(Contender.BaselineLabel, "/before/mongomigrate.dll", ["--restore-workers", "8", "--gzip"]);

        var step = Assert.Single(baseline.Steps(Context));
        var original = Assert.Single(direct.Steps(Context));
        Assert.Equal("/before/mongomigrate.dll", step.Arguments[0]);
        Assert.Equal("/after/mongomigrate.dll", original.Arguments[0]);
        Assert.Equal("8", step.Arguments[step.Arguments.ToList().IndexOf("--restore-workers") + 1]);
        Assert.Single(step.Arguments, a => a == "--restore-workers");
        Assert.Equal("--gzip", step.Arguments[^1]);
        Assert.Equal(original.Arguments.Count + 1, step.Arguments.Count);
    }

    [Fact]
    public void Baseline_arguments_need_a_baseline()
    {
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--baseline-args", "--restore-workers 8"]));
        Assert.Equal(["--restore-workers", "8"], BenchOptions.Parse(["--baseline", "b.dll", "--baseline-args", "--restore-workers 8"]).BaselineArguments);
    }
}
