using MongoMigrate.Cli.Output;
using MongoMigrate.Engine.Jobs;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Shows a running job until it ends: the live view and steering keys on a terminal, plain lines every few seconds
/// when output is redirected (or when stdout carries data), nothing with --json.
/// </summary>
internal static class ProgressDisplay
{
    /// <param name="environment">The console and clock.</param>
    /// <param name="job">The job to show.</param>
    /// <param name="run">The job's run; the display ends with it.</param>
    /// <param name="stop">Cancelled by the stop key.</param>
    /// <param name="json">--json: show nothing.</param>
    /// <param name="plainOutput">Where plain lines go; the live view is used only when this is the terminal's stdout.</param>
    /// <param name="firstLine">The line that opens the plain output, once the job can tell it; null for none.</param>
    /// <param name="waitingFor">What the job waits for in a phase, said when it makes no progress for a while.</param>
    public static async Task ShowAsync(CliEnvironment environment, IRunningJob job, Task run, CancellationTokenSource stop, bool json, TextWriter plainOutput, Func<Task<string?>> firstLine, Func<string, string> waitingFor)
    {
        // --dashboard serves the job beside whatever the terminal shows, until the job ends.
        var dashboard = await DashboardSession.StartAsync(environment, job, run, stop).ConfigureAwait(false);
        try
        {
            await DisplayAsync(environment, job, run, stop, json, plainOutput, firstLine, waitingFor).ConfigureAwait(false);
        }
        finally
        {
            if (dashboard is not null)
            {
                await Task.WhenAny(run).ConfigureAwait(false);
                await dashboard.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task DisplayAsync(CliEnvironment environment, IRunningJob job, Task run, CancellationTokenSource stop, bool json, TextWriter plainOutput, Func<Task<string?>> firstLine, Func<string, string> waitingFor)
    {
        if (json)
        {
            return;
        }

        using var displayStop = new CancellationTokenSource();
        var stall = new ProgressStall(environment.TimeProvider, waitingFor);
        if (environment.IsInteractive && ReferenceEquals(plainOutput, environment.Output))
        {
            var steering = KeyboardSteering.Start(job, stop);
            await LiveProgressView.RunAsync(environment.Console, job, run, () => steering.LastAction, environment.TimeProvider, stall, displayStop.Token).ConfigureAwait(false);
            return;
        }

        // The opening line waits for the job's connections; until then the plain lines say it is connecting and,
        // when a server does not answer, since when it waits.
        var opening = firstLine();
        await PlainProgressReporter.RunAsync(plainOutput, job, Task.WhenAny(run, opening), environment.ProgressInterval, environment.TimeProvider, stall, displayStop.Token).ConfigureAwait(false);
        if (await opening.ConfigureAwait(false) is { } line)
        {
            await plainOutput.WriteLineAsync(line).ConfigureAwait(false);
        }

        await PlainProgressReporter.RunAsync(plainOutput, job, run, environment.ProgressInterval, environment.TimeProvider, stall, displayStop.Token).ConfigureAwait(false);
    }
}
