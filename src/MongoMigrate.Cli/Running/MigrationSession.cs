using MongoMigrate.Cli.Output;
using MongoMigrate.Engine.Jobs;
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
        var method = job.Options.Method == CopyMethod.Direct ? "direct" : "dump-restore";
        await ProgressDisplay.ShowAsync(
            environment,
            job,
            run,
            stop,
            json,
            environment.Output,
            $"Job {job.JobId}: copying with {job.Options.DumpWorkers} dump and {job.Options.RestoreWorkers} restore workers ({method}).").ConfigureAwait(false);

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
    }
}
