
using MongoMigrate.Engine.Jobs;

namespace MongoMigrate.Cli.Output;

/// <summary>Progress for redirected output: one line every few seconds, until the job ends.</summary>
internal static class PlainProgressReporter
{
    public static async Task RunAsync(TextWriter output, IRunningJob job, Task run, TimeSpan interval, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        while (!run.IsCompleted)
        {
            var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(run, tick).ConfigureAwait(false) == run)
            {
                break;
            }

            await output.WriteLineAsync(ProgressText.Line(job.Progress.Snapshot(), job.Pools)).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
