using MongoMigrate.Cli.Output;
using MongoMigrate.Engine;
using MongoMigrate.Engine.Jobs;
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
        var listening = ListenForCutoverAsync(job, run);
        MigrationSummary summary;
        try
        {
            await ProgressDisplay.ShowAsync(environment, job, run, stop, json, environment.Output, OpeningLineAsync, ProgressStall.MigrationWaitsFor).ConfigureAwait(false);
            summary = await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped before the job recorded its plan (the engine answers a stopped summary only after): say what is left.
            throw new MigrationException(await StoppedEarlyAsync(job).ConfigureAwait(false));
        }
        finally
        {
            if (await listening.ConfigureAwait(false) is { } listener)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (json)
        {
            await SummaryWriter.WriteJsonAsync(environment.Output, summary).ConfigureAwait(false);
        }
        else
        {
            await SummaryWriter.WriteTextAsync(environment.Output, summary).ConfigureAwait(false);
        }

        return (summary, summary.Status == JobStatus.Completed ? ExitCodes.Success : ExitCodes.Failure);

        // A job stopped while connecting or discovering: a resumed one carries on as before, a new one has nothing to resume.
        static async Task<string> StoppedEarlyAsync(MigrationJob job)
        {
            var statePath = JobFolder.StatePath(job.JobDirectory);
            var recorded = false;
            if (File.Exists(statePath))
            {
                var state = await SqliteJobStateStore.OpenAsync(statePath, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                await using (state.ConfigureAwait(false))
                {
                    recorded = await state.GetJobAsync(job.JobId, CancellationToken.None).ConfigureAwait(false) is not null;
                }
            }

            return recorded
                ? $"stopped before the copy went on; carry on with: mongomigrate migrate --resume --job-id {job.JobId} --work-dir {job.Options.WorkDirectory} (and the same --source and --target)."
                : $"stopped before job {job.JobId} recorded anything (while connecting or discovering): there is nothing to resume; run the same command again to start it.";
        }

        // An online job takes cutover requests from other processes once it holds its lock.
        async Task<CutoverListener?> ListenForCutoverAsync(MigrationJob job, Task run)
        {
            await Task.WhenAny(job.Started, run).ConfigureAwait(false);
            if (run.IsCompleted || !job.IsOnline)
            {
                return null;
            }

            try
            {
                return CutoverListener.Start(job, job.JobDirectory);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
            {
                await environment.Error.WriteLineAsync($"mongomigrate: cannot listen for cutover requests ({e.Message}); use the key c in the live display instead.").ConfigureAwait(false);
                return null;
            }
        }

        // A resumed job's settings are known once it has read its state.
        async Task<string?> OpeningLineAsync()
        {
            await Task.WhenAny(job.Started, run).ConfigureAwait(false);
            if (run.IsCompleted)
            {
                return null;
            }

            var options = job.Options;
            return $"Job {job.JobId}: {(options.Resume ? "resuming" : "copying")}{(options.Online ? " and following the source's changes (online)" : string.Empty)} with {options.DumpWorkers} dump and {options.RestoreWorkers} restore workers ({(options.Method == CopyMethod.Direct ? "direct" : "dump-restore")}).";
        }
    }
}
