
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Online;

namespace MongoMigrate.Cli.Output;

/// <summary>Progress for redirected output: one line every few seconds, until the job ends, saying what it waits for when nothing moves.</summary>
internal static class PlainProgressReporter
{
    public static async Task RunAsync(TextWriter output, IRunningJob job, Task run, TimeSpan interval, TimeProvider timeProvider, ProgressStall stall, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        while (!run.IsCompleted)
        {
            var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(run, tick).ConfigureAwait(false) == run)
            {
                break;
            }

            var snapshot = job.Progress.Snapshot();
            var line = ProgressText.Line(snapshot, job.Pools);
            if (job is IOnlineJob online && ProgressText.Online(online.Following, online.Rechecks) is { } following)
            {
                line = $"{line} | {following}";
            }

            await output.WriteLineAsync(stall.Observe(snapshot) is { } waiting ? $"{line} | {waiting}" : line).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
