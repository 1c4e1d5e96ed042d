using MongoMigrate.Cli.Output;
using MongoMigrate.Engine.Online;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Runs a sync-back in front of a user: the lag and events of the following on a terminal or in plain lines, cutover
/// requests from other processes on the job folder's channel (as `migrate --online` takes them), and the summary.
/// </summary>
internal sealed class SyncBackSession(CliEnvironment environment, bool json)
{
    public async Task<int> RunAsync(SyncBackJob job, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = job.RunAsync(stop.Token);
        var listening = ListenAsync();
        SyncBackSummary summary;
        try
        {
            await ProgressDisplay.ShowAsync(environment, job, run, stop, json, environment.Output, OpeningLineAsync, WaitsFor).ConfigureAwait(false);
            summary = await run.ConfigureAwait(false);
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
            await environment.Output.WriteLineAsync(SyncBackJson.ToLine(summary)).ConfigureAwait(false);
        }
        else
        {
            await environment.Output.WriteLineAsync(SyncBackJson.Text(summary)).ConfigureAwait(false);
        }

        return summary.Status == SyncBackSummary.CutBack ? ExitCodes.Success : ExitCodes.Failure;

        // The job folder's channel is free once the job's lock is held: the forward run has ended.
        async Task<CutoverListener?> ListenAsync()
        {
            if (!await job.Started.ConfigureAwait(false))
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

        async Task<string?> OpeningLineAsync() => await job.Started.ConfigureAwait(false)
            ? $"Job {job.JobId}: following the target's changes back to the source (sync-back); cut back with mongomigrate cutover --job-id {job.JobId}."
            : null;
    }

    private static string WaitsFor(string phase) => phase switch
    {
        "connecting" => "the source and target",
        _ => "the target's next change",
    };
}
