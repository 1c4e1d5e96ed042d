using System.Diagnostics;
using MongoMigrate.Bench.Migration.Processes;

namespace MongoMigrate.Bench.Migration.Tests.Processes;

/// <summary>--publish really produces what README tells users to run, so one harness command measures it.</summary>
[Trait("Category", "Long")]
public sealed class ToolPublisherTests
{
    [Fact(Timeout = 900_000)]
    public async Task Publishing_makes_the_self_contained_composite_tool_that_the_harness_counts_as_published()
    {
        var root = MigrationBenchmark.RepositoryRoot();
        Assert.NotNull(root);
        var output = Directory.CreateTempSubdirectory("mm-bench-publish-").FullName;
        try
        {
            var log = new StringWriter();

            var dll = await ToolPublisher.PublishAsync(root, output, log, TestContext.Current.CancellationToken);

            Assert.Equal(Path.Combine(output, "mongomigrate.dll"), dll);
            Assert.True(MigrationBenchmark.IsPublishedTool(dll), "the published tool runs without tiered compilation");
            Assert.True(File.Exists(Path.Combine(output, "mongomigrate.r2r.dll")), "the runtime and the tool are compiled as one composite image");
            Assert.True(File.Exists(Path.Combine(output, "System.Private.CoreLib.dll")), "the runtime is in the folder: self-contained");
            var (exitCode, version) = await RunAsync(dll, "--version");
            Assert.Equal(0, exitCode);
            Assert.Matches(@"^\d+\.\d+\.\d+", version);
            Assert.Contains("published in", log.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void The_publish_command_is_the_one_readme_gives_for_this_machine()
    {
        var arguments = ToolPublisher.Arguments("/repo", "/tmp/tool");

        Assert.Equal(
            ["publish", Path.Combine("/repo", ToolPublisher.Project), "-c", "Release", "-r", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "--self-contained", "-o", "/tmp/tool", "--nologo"],
            arguments);
        var readme = File.ReadAllText(Path.Combine(MigrationBenchmark.RepositoryRoot()!, "README.md"));
        Assert.Contains("dotnet publish src/MongoMigrate.Cli -c Release -r linux-x64 --self-contained -o", readme, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string dll, string argument)
    {
        var start = new ProcessStartInfo { FileName = DotnetHost.Path, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, output.Trim());
    }
}
