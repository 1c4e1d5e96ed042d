using MongoMigrate.Cli.Output;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Runs a job in front of a user: live display and keys on a terminal, plain lines when redirected,
/// nothing but the summary with --json; Ctrl+C stops cleanly and says how to resume.
/// </summary>
internal sealed class MigrationSession(CliEnvironment environment, bool json)
{
    public async Task<(MigrationSummary Summary, int ExitCode)> RunAsync(MigrationJob job, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = job.RunAsync(stop.Token);
        await ProgressDisplay.ShowAsync(environment, job, run, stop, json, environment.Output, OpeningLineAsync, ProgressStall.MigrationWaitsFor).ConfigureAwait(false);

        var summary = await run.ConfigureAwait(false);
        if (json)
        {
            await SummaryWriter.WriteJsonAsync(environment.Output, summary).ConfigureAwait(false);
        }
        else
        {
            await SummaryWriter.WriteTextAsync(environment.Output, summary).ConfigureAwait(false);
        }

        return (summary, summary.Status == JobStatus.Completed ? ExitCodes.Success : ExitCodes.Failure);

        // A resumed job's settings are known once it has read its state.
        async Task<string?> OpeningLineAsync()
        {
            await Task.WhenAny(job.Started, run).ConfigureAwait(false);
            if (run.IsCompleted)
            {
                return null;
            }

            var options = job.Options;
            return $"Job {job.JobId}: {(options.Resume ? "resuming" : "copying")} with {options.DumpWorkers} dump and {options.RestoreWorkers} restore workers ({(options.Method == CopyMethod.Direct ? "direct" : "dump-restore")}).";
        }
    }
}
