using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using MongoMigrate.Bench.Migration.Processes;
using MongoMigrate.Bench.Migration.Reporting;
using MongoMigrate.Bench.Migration.Scenarios;

namespace MongoMigrate.Bench.Migration;

/// <summary>
/// One harness run: starts the two sandbox processes, measures every scenario, checks the targets, prints
/// the tables and writes the JSON and Markdown results. The smoke test calls this directly.
/// </summary>
public static class MigrationBenchmark
{
    public const string ReproduceCommand = "dotnet run -c Release --project bench/MongoMigrate.Bench.Migration --";

    /// <summary>The report, also written as migration-*.json and .md under the results folder (returned as ReportPath).</summary>
    public static async Task<(BenchmarkReport Report, string ReportPath)> RunAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var harnessDll = typeof(MigrationBenchmark).Assembly.Location;
        var cliPath = options.CliPath;
        if (options.Publish)
        {
            var root = RepositoryRoot() ?? throw new InvalidOperationException("--publish needs the repository (MongoMigrate.slnx) above the current folder or the harness; run it from the checkout, or pass --cli.");
            cliPath = await ToolPublisher.PublishAsync(root, Path.Combine(Path.GetTempPath(), "mongomigrate-bench-tool"), log, cancellationToken).ConfigureAwait(false);
        }

        var cliDll = Path.GetFullPath(cliPath ?? Path.Combine(AppContext.BaseDirectory, "mongomigrate.dll"));
        if (!File.Exists(cliDll))
        {
            throw new FileNotFoundException($"mongomigrate.dll was not found at {cliDll}; build src/MongoMigrate.Cli or pass --cli PATH.", cliDll);
        }

        var serversDll = Path.GetFullPath(options.ServersPath ?? cliDll);
        foreach (var (given, option) in new[] { (options.BaselinePath, "--baseline"), (options.ServersPath, "--servers") })
        {
            if (given is not null && !File.Exists(given))
            {
                throw new FileNotFoundException($"{option} names {Path.GetFullPath(given)}, which does not exist; publish that build there or fix the path.", given);
            }
        }

        var optimized = IsOptimized(typeof(MigrationBenchmark).Assembly);
        var date = DateTimeOffset.UtcNow;
        var loadBefore = MachineCpu.LoadAverage();
        await log.WriteLineAsync($"Machine: {MachineInfo.Current()}; load average {loadBefore:F2}.").ConfigureAwait(false);
        await log.WriteLineAsync($"Children measured by {(MeasuredProcess.UsesRusage ? "GNU time (rusage at exit)" : "polling (GNU time not found at /usr/bin/time)")}; CLI {cliDll}.").ConfigureAwait(false);
        if (options.BaselinePath is { } baseline)
        {
            await log.WriteLineAsync($"Baseline (contenders NAME@{Contenders.Contender.BaselineLabel}): {Path.GetFullPath(baseline)} {string.Join(' ', options.BaselineArguments)}".TrimEnd()).ConfigureAwait(false);
        }

        await log.WriteLineAsync($"Servers: the sandbox of {serversDll}.").ConfigureAwait(false);
        if (!optimized)
        {
            await log.WriteLineAsync("WARNING: this is a Debug build; run with -c Release for figures worth publishing.").ConfigureAwait(false);
        }

        if (!IsPublishedTool(cliDll))
        {
            await log.WriteLineAsync(
                "NOTE: measuring the build output, which compiles as it runs (about twice the CPU per GB of the published tool, docs/benchmarks.md). "
                + "For what users run, add --publish (or publish it yourself and pass --cli PATH/mongomigrate.dll).").ConfigureAwait(false);
        }

        var results = new List<ScenarioResult>();
        var session = await BenchmarkSession.StartAsync(cliDll, serversDll, harnessDll, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            foreach (var scenario in ScenarioPlan.Create(options))
            {
                await log.WriteLineAsync($"Scenario {scenario.Name}: {scenario.Title}").ConfigureAwait(false);
                var clock = Stopwatch.StartNew();
                results.Add(await ScenarioRunner.RunAsync(session, scenario, options.Wrap, log, cancellationToken).ConfigureAwait(false));
                await log.WriteLineAsync($"  ({clock.Elapsed.TotalSeconds:N0} s)").ConfigureAwait(false);
            }
        }

        var report = new BenchmarkReport
        {
            Date = date,
            Machine = MachineInfo.Current(),
            Command = $"{ReproduceCommand} {string.Join(' ', options.CommandLine)}".Trim().TrimEnd('-').Trim(),
            Measurement = MeasuredProcess.UsesRusage ? "rusage" : "polling",
            OptimizedBuild = optimized,
            LoadAverageBefore = loadBefore,
            LoadAverageAfter = MachineCpu.LoadAverage(),
            Scenarios = results,
            Targets = TargetEvaluation.Evaluate(results),
        };

        var markdown = MarkdownReport.Format(report);
        await log.WriteLineAsync().ConfigureAwait(false);
        await log.WriteLineAsync(markdown).ConfigureAwait(false);
        var folder = options.ResultsDirectory ?? DefaultResultsDirectory();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"migration-{date:yyyyMMdd-HHmmss}.json");
        await File.WriteAllTextAsync(path, report.ToJson(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".md"), markdown, cancellationToken).ConfigureAwait(false);
        await log.WriteLineAsync($"Results: {path}").ConfigureAwait(false);
        return (report, path);
    }

    /// <summary>Reads a result file, checks its targets again with the current rules, prints it and rewrites its Markdown.</summary>
    public static async Task<BenchmarkReport> ReprintAsync(string path, TextWriter log, CancellationToken cancellationToken)
    {
        var stored = BenchmarkReport.FromJson(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        var report = stored with { Targets = TargetEvaluation.Evaluate(stored.Scenarios) };
        var markdown = MarkdownReport.Format(report);
        await log.WriteLineAsync(markdown).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".md"), markdown, cancellationToken).ConfigureAwait(false);
        return report;
    }

    /// <summary>bench/results of the repository the harness was built in, else ./bench-results.</summary>
    private static string DefaultResultsDirectory() =>
        RepositoryRoot() is { } root ? Path.Combine(root, "bench", "results") : Path.Combine(Directory.GetCurrentDirectory(), "bench-results");

    /// <summary>The checkout (the folder with MongoMigrate.slnx) above the current folder or the harness, if any.</summary>
    internal static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "MongoMigrate.slnx")))
                {
                    return folder.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>Whether the CLI is a published one: its runtime settings turn tiered compilation off (see the CLI's project file).</summary>
    internal static bool IsPublishedTool(string cliDll)
    {
        var settings = Path.ChangeExtension(cliDll, ".runtimeconfig.json");
        if (!File.Exists(settings))
        {
            return false;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(settings));
        return json.RootElement.TryGetProperty("runtimeOptions", out var runtime)
            && runtime.TryGetProperty("configProperties", out var properties)
            && properties.TryGetProperty("System.Runtime.TieredCompilation", out var tiered)
            && tiered.ValueKind == JsonValueKind.False;
    }

    private static bool IsOptimized(Assembly assembly) =>
        assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };
}
