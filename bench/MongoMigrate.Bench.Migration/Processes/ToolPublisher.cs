using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MongoMigrate.Bench.Migration.Processes;

/// <summary>
/// Publishes the CLI the way README tells users to (self-contained, composite ReadyToRun, tiered compilation off)
/// so that one harness command measures what users run instead of the build output.
/// </summary>
public static class ToolPublisher
{
    /// <summary>The CLI's project, relative to the repository root.</summary>
    public const string Project = "src/MongoMigrate.Cli/MongoMigrate.Cli.csproj";

    /// <summary>The arguments of <c>dotnet</c> that publish the tool of <paramref name="repositoryRoot"/> into <paramref name="output"/>.</summary>
    public static IReadOnlyList<string> Arguments(string repositoryRoot, string output) =>
    [
        "publish",
        Path.Combine(repositoryRoot, Project),
        "-c",
        "Release",
        "-r",
        RuntimeInformation.RuntimeIdentifier,
        "--self-contained",
        "-o",
        output,
        "--nologo",
    ];

    /// <summary>Publishes and returns the published mongomigrate.dll; throws with the tail of the build output when publishing fails.</summary>
    public static async Task<string> PublishAsync(string repositoryRoot, string output, TextWriter log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = DotnetHost.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(repositoryRoot, output))
        {
            start.ArgumentList.Add(argument);
        }

        await log.WriteLineAsync($"Publishing the tool: dotnet {string.Join(' ', start.ArgumentList)}").ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        var lines = new Queue<string>();
        var drain = Task.WhenAll(KeepTailAsync(process.StandardOutput, lines), KeepTailAsync(process.StandardError, lines));
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await drain.ConfigureAwait(false);
        var dll = Path.Combine(output, "mongomigrate.dll");
        if (process.ExitCode != 0 || !File.Exists(dll))
        {
            string tail;
            lock (lines)
            {
                tail = string.Join(Environment.NewLine, lines);
            }

            throw new InvalidOperationException($"dotnet publish of {Project} failed (exit code {process.ExitCode}); fix the build, or publish yourself and pass --cli. Last lines:{Environment.NewLine}{tail}");
        }

        await log.WriteLineAsync($"  published in {clock.Elapsed.TotalSeconds:N0} s: {dll}").ConfigureAwait(false);
        return dll;
    }

    private static async Task KeepTailAsync(StreamReader reader, Queue<string> lines)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (lines)
            {
                lines.Enqueue(line);
                if (lines.Count > 20)
                {
                    lines.Dequeue();
                }
            }
        }
    }
}
