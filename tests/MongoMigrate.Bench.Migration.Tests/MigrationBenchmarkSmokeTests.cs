using MongoMigrate.Bench.Migration.Contenders;
using MongoMigrate.Bench.Migration.Reporting;

namespace MongoMigrate.Bench.Migration.Tests;

/// <summary>The harness end to end on tiny data, so that it keeps working as the engine and the CLI change.</summary>
public sealed class MigrationBenchmarkSmokeTests
{
    /// <summary>Two collections of 1,200: more than one batch of the read limit's, so its getMores are counted too.</summary>
    private const int Documents = 2 * (ReadLimit.BatchSize + 200);

    [Fact]
    public void Only_a_tool_published_without_tiered_compilation_counts_as_the_published_tool()
    {
        var folder = Directory.CreateTempSubdirectory("mm-bench-cli-").FullName;
        try
        {
            var dll = Path.Combine(folder, "mongomigrate.dll");
            var settings = Path.Combine(folder, "mongomigrate.runtimeconfig.json");
            Assert.False(MigrationBenchmark.IsPublishedTool(dll));

            File.WriteAllText(settings, """{ "runtimeOptions": { "configProperties": { "System.GC.Server": false } } }""");
            Assert.False(MigrationBenchmark.IsPublishedTool(dll));

            File.WriteAllText(settings, """{ "runtimeOptions": { "configProperties": { "System.Runtime.TieredCompilation": false } } }""");
            Assert.True(MigrationBenchmark.IsPublishedTool(dll));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact(Timeout = 480_000)]
    public async Task A_tiny_run_measures_every_contender_and_writes_a_result_file()
    {
        var results = Directory.CreateTempSubdirectory("mm-bench-smoke-").FullName;
        try
        {
            var options = BenchOptions.Parse(["--docs", Documents.ToString(System.Globalization.CultureInfo.InvariantCulture), "--collections", "2", "--size", "512", "--repeat", "1", "--out", results]);
            var log = new StringWriter();

            var (_, path) = await MigrationBenchmark.RunAsync(options, log, TestContext.Current.CancellationToken);

            var report = BenchmarkReport.FromJson(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
            Assert.True(File.Exists(Path.ChangeExtension(path, ".md")), "the Markdown tables are written beside the JSON");
            var scenario = Assert.Single(report.Scenarios);
            Assert.Equal(Documents, scenario.Totals.Documents);
            Assert.Equal(2, scenario.Totals.Collections);
            Assert.Equal(
                [ReadLimit.Name, WriteLimit.Name, HandWrittenCopy.Name, ContenderCatalog.Direct, ContenderCatalog.DirectVerified, ContenderCatalog.DumpRestore, ContenderCatalog.DumpRestoreGzip, ContenderCatalog.Archive],
                scenario.Contenders.Select(c => c.Name));
            foreach (var contender in scenario.Contenders)
            {
                if (!contender.Available)
                {
                    // Only the archive pair may be missing, until the CLI has dump and restore.
                    Assert.Equal(ContenderCatalog.Archive, contender.Name);
                    Assert.StartsWith("not available", contender.NotAvailableReason, StringComparison.Ordinal);
                    Assert.Empty(contender.Samples);
                    continue;
                }

                var sample = Assert.Single(contender.Samples);
                Assert.True(sample.Error is null, $"{contender.Name} failed: {sample.Error}\n{log}");
                Assert.Equal(Documents, sample.DocumentsChecked);
                Assert.InRange(sample.WallSeconds, 0.01, 200);
                Assert.InRange(sample.CpuSeconds, 0.01, 400);
                Assert.InRange(sample.PeakRssBytes, 10_000_000L, 4_000_000_000L);
                Assert.True(sample.SourceCpuSeconds + sample.TargetCpuSeconds > 0, $"{contender.Name}: the sandboxes did some work");
                var median = Assert.IsType<ContenderSummary>(contender.Median);
                Assert.True(median.DocumentsPerSecond > 0 && median.MegabytesPerSecond > 0 && median.CpuSecondsPerGigabyte > 0, contender.Name);
            }

            Assert.Contains(report.Targets, t => t.Target.StartsWith("direct: throughput ≥ 2 × the hand-written copy", StringComparison.Ordinal) && t.Met is not null);
            Assert.Contains("| direct |", log.ToString(), StringComparison.Ordinal);
            Assert.Contains("NOTE: measuring the build output", log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    [Fact(Timeout = 480_000)]
    public async Task The_dashboard_scenario_measures_direct_with_and_without_a_dashboard_and_its_client()
    {
        var results = Directory.CreateTempSubdirectory("mm-bench-dashboard-").FullName;
        try
        {
            var options = BenchOptions.Parse(["--scenarios", "dashboard", "--docs", Documents.ToString(System.Globalization.CultureInfo.InvariantCulture), "--collections", "2", "--size", "512", "--repeat", "1", "--out", results]);
            var log = new StringWriter();

            var (_, path) = await MigrationBenchmark.RunAsync(options, log, TestContext.Current.CancellationToken);

            var report = BenchmarkReport.FromJson(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
            var scenario = Assert.Single(report.Scenarios);
            Assert.Equal("dashboard", scenario.Name);
            Assert.Equal([ContenderCatalog.Direct, ContenderCatalog.DirectDashboard], scenario.Contenders.Select(c => c.Name));
            foreach (var contender in scenario.Contenders)
            {
                var sample = Assert.Single(contender.Samples);
                Assert.True(sample.Error is null, $"{contender.Name} failed: {sample.Error}\n{log}");
                Assert.Equal(Documents, sample.DocumentsChecked);
            }

            // The client was on the dashboard's event stream while the job ran.
            var watched = Assert.Single(scenario.Contenders.Single(c => c.Name == ContenderCatalog.DirectDashboard).Samples).Beside;
            Assert.Matches(@"^dashboard client: [1-9]\d* events, \d+ requests$", watched);
            Assert.Null(Assert.Single(scenario.Contenders.Single(c => c.Name == ContenderCatalog.Direct).Samples).Beside);
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    [Fact(Timeout = 480_000)]
    public async Task The_verify_scenario_verifies_a_copy_of_the_source_against_the_read_limit_of_both_sides()
    {
        var results = Directory.CreateTempSubdirectory("mm-bench-verify-").FullName;
        try
        {
            var options = BenchOptions.Parse(["--scenarios", "verify", "--docs", Documents.ToString(System.Globalization.CultureInfo.InvariantCulture), "--collections", "2", "--size", "512", "--repeat", "1", "--out", results]);
            var log = new StringWriter();

            var (_, path) = await MigrationBenchmark.RunAsync(options, log, TestContext.Current.CancellationToken);

            var report = BenchmarkReport.FromJson(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
            var scenario = Assert.Single(report.Scenarios);
            Assert.Equal("verify", scenario.Name);
            Assert.Equal([ReadLimit.Name, ReadBothLimit.Name, ContenderCatalog.Direct, "verify", "verify-w1", "verify-w2"], scenario.Contenders.Select(c => c.Name));
            foreach (var contender in scenario.Contenders)
            {
                var sample = Assert.Single(contender.Samples);
                Assert.True(sample.Error is null, $"{contender.Name} failed: {sample.Error}\n{log}");
                Assert.Equal(Documents, sample.DocumentsChecked);
            }

            Assert.Contains(report.Targets, t => t.Target.StartsWith("verify: throughput ≥ 0.8 × the read limit", StringComparison.Ordinal) && t.Met is not null);
            Assert.Contains(report.Targets, t => t.Target.StartsWith("verify: CPU per GB below the copy's", StringComparison.Ordinal) && t.Met is not null);
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    [Fact(Timeout = 600_000)]
    public async Task The_online_scenario_follows_a_write_load_cuts_over_and_verifies_the_target()
    {
        var results = Directory.CreateTempSubdirectory("mm-bench-online-").FullName;
        try
        {
            var options = BenchOptions.Parse(["--scenarios", "online", "--docs", Documents.ToString(System.Globalization.CultureInfo.InvariantCulture), "--collections", "2", "--size", "512", "--repeat", "1", "--write-rate", "200", "--follow-seconds", "3", "--out", results]);
            var log = new StringWriter();

            var (_, path) = await MigrationBenchmark.RunAsync(options, log, TestContext.Current.CancellationToken);

            var report = BenchmarkReport.FromJson(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
            var scenario = Assert.Single(report.Scenarios);
            Assert.Equal("online", scenario.Name);
            Assert.Equal([ContenderCatalog.Direct, ContenderCatalog.DirectVerified, ContenderCatalog.OnlineIdle, ContenderCatalog.OnlineWrites], scenario.Contenders.Select(c => c.Name));
            foreach (var contender in scenario.Contenders)
            {
                var sample = Assert.Single(contender.Samples);
                Assert.True(sample.Error is null, $"{contender.Name} failed: {sample.Error}\n{log}");
            }

            var writes = Assert.Single(scenario.Contenders.Single(c => c.Name == ContenderCatalog.OnlineWrites).Samples);
            var metrics = Assert.IsAssignableFrom<IReadOnlyDictionary<string, double>>(writes.Metrics);
            Assert.True(metrics[OnlineMetrics.WritesPerSecond] > 0, "the write load ran");
            Assert.Equal(1, metrics[OnlineMetrics.VerifyEqual]);
            Assert.True(metrics.ContainsKey(OnlineMetrics.CopySeconds) && metrics.ContainsKey(OnlineMetrics.LagP99) && metrics.ContainsKey(OnlineMetrics.CutoverSeconds), string.Join(", ", metrics.Keys));
            Assert.True(writes.DocumentsChecked > Documents, "the load inserted more than it deleted, and the target has them");
            Assert.Contains(report.Targets, t => t.Target.StartsWith("online: lag p99 < 2 s while following", StringComparison.Ordinal) && t.Met is not null);
            Assert.Contains(report.Targets, t => t.Target.StartsWith("online: after the cutover, mongomigrate verify says", StringComparison.Ordinal) && t.Met == true);
            Assert.Contains("| online run |", log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }
}
