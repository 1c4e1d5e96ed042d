using MongoMigrate.Bench.Migration.Scenarios;
using MongoMigrate.Datasets;

namespace MongoMigrate.Bench.Migration.Tests;

public sealed class BenchOptionsTests
{
    [Fact]
    public void Arguments_set_the_dataset_and_the_rounds()
    {
        var options = BenchOptions.Parse(["--docs", "1_000_000", "--size", "2048", "--collections", "1000", "--ids", "mixed", "--repeat", "5", "--scaling"]);

        Assert.Equal(1_000_000, options.Documents);
        Assert.Equal(2048, options.DocumentSize);
        Assert.Equal(1000, options.Collections);
        Assert.Equal(IdKind.Mixed, options.Ids);
        Assert.Equal(5, options.Repeat);
        Assert.True(options.Scaling);
    }

    [Fact]
    public void Quick_shrinks_the_dataset_and_the_rounds_unless_they_are_given()
    {
        var quick = BenchOptions.Parse(["--quick"]);
        var given = BenchOptions.Parse(["--quick", "--docs", "5000", "--repeat", "2"]);

        Assert.Equal((20_000, 1), (quick.Documents, quick.Repeat));
        Assert.Equal((5000, 2), (given.Documents, given.Repeat));
    }

    [Fact]
    public void Scenarios_picks_the_scaling_runs_to_measure_without_the_others()
    {
        var options = BenchOptions.Parse(["--scenarios", "collections-few, collections-many"]);

        var names = ScenarioPlan.Create(options).Select(s => s.Name).ToList();

        Assert.Equal([ScenarioPlan.FewCollections, ScenarioPlan.ManyCollections], names);
        Assert.Equal(
            [ScenarioPlan.Main, ScenarioPlan.Workers, ScenarioPlan.FewCollections, ScenarioPlan.ManyCollections, ScenarioPlan.SmallDataset, ScenarioPlan.LargeDataset],
            ScenarioPlan.Create(BenchOptions.Parse(["--scaling"])).Select(s => s.Name).ToList());
    }

    [Fact]
    public void The_verify_scenario_runs_only_when_named_and_sets_the_read_limits_beside_the_copy_and_verify()
    {
        var verify = Assert.Single(ScenarioPlan.Create(BenchOptions.Parse(["--scenarios", "verify", "--docs", "5000"])));

        Assert.Equal(ScenarioPlan.Verify, verify.Name);
        Assert.Equal(5000, verify.Dataset.Documents);
        Assert.Equal(["read-limit", "read-both-limit", "direct", "verify", "verify-w1", "verify-w2"], verify.Contenders.Select(c => c.Name));
        Assert.DoesNotContain(ScenarioPlan.Create(BenchOptions.Parse(["--scaling"])), s => s.Name == ScenarioPlan.Verify);
    }

    [Fact]
    public void The_online_scenario_takes_its_write_rate_and_following_time_and_quick_shortens_the_following()
    {
        var options = BenchOptions.Parse(["--scenarios", "online", "--write-rate", "3000", "--follow-seconds", "45"]);
        var online = Assert.Single(ScenarioPlan.Create(options));

        Assert.Equal((3000, TimeSpan.FromSeconds(45)), (options.WriteRate, options.Follow));
        Assert.Equal(["direct", "direct-verified", "online-idle", "online-writes"], online.Contenders.Select(c => c.Name));
        Assert.Equal(TimeSpan.FromSeconds(5), BenchOptions.Parse(["--quick"]).Follow);
        Assert.Equal(TimeSpan.FromSeconds(30), BenchOptions.Parse([]).Follow);
    }

    [Fact]
    public void Publish_measures_a_freshly_published_tool_and_cannot_be_given_with_cli()
    {
        Assert.True(BenchOptions.Parse(["--publish", "--scaling"]).Publish);
        Assert.False(BenchOptions.Parse(["--scaling"]).Publish);

        var error = Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--publish", "--cli", "/tmp/mm/mongomigrate.dll"]));

        Assert.Contains("--publish and --cli", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--docs", "0")]
    [InlineData("--ids", "guid")]
    [InlineData("--frobnicate", "1")]
    [InlineData("--scenarios", "main,everything")]
    public void Bad_arguments_are_refused_with_a_message(string name, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => BenchOptions.Parse([name, value]));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }
}
