using MongoMigrate.Cli.Output;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Running;

/// <summary>Runs a dump or restore in front of a user, like a migration: progress while it runs, then the summary.</summary>
internal static class DumpJobSession
{
    /// <param name="environment">The console and clock.</param>
    /// <param name="job">The job, for the display.</param>
    /// <param name="run">Starts the job.</param>
    /// <param name="json">--json: only the summary object.</param>
    /// <param name="output">Where progress and the summary go (stderr when stdout carries the archive).</param>
    /// <param name="firstLine">The line that opens plain progress output.</param>
    /// <param name="waitingFor">What the job waits for in a phase, said when it makes no progress for a while.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<int> RunAsync(
        CliEnvironment environment,
        IRunningJob job,
        Func<CancellationToken, Task<DumpJobSummary>> run,
        bool json,
        TextWriter output,
        string firstLine,
        Func<string, string> waitingFor,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = run(stop.Token);
        await ProgressDisplay.ShowAsync(environment, job, running, stop, json, output, () => Task.FromResult<string?>(firstLine), waitingFor).ConfigureAwait(false);
        var summary = await running.ConfigureAwait(false);
        if (json)
        {
            await DumpSummaryWriter.WriteJsonAsync(output, summary).ConfigureAwait(false);
        }
        else
        {
            await DumpSummaryWriter.WriteTextAsync(output, summary).ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return summary.Status == JobStatus.Completed ? ExitCodes.Success : ExitCodes.Failure;
    }
}
