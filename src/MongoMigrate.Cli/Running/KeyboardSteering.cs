using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Online;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Turns key presses into live changes of a running job: workers up and down, pause and resume, cutover (online), stop.
/// A dedicated thread blocks on the console for keys; nothing polls. The job keeps the counts (and saves
/// them, so a resumed job comes back with them); while paused, +/- change what resuming will restore.
/// </summary>
internal sealed class KeyboardSteering
{
    private readonly IRunningJob _job;
    private readonly CancellationTokenSource _stop;
    private volatile string? _lastAction;

    private KeyboardSteering(IRunningJob job, CancellationTokenSource stop)
    {
        _job = job;
        _stop = stop;
    }

    public string? LastAction => _lastAction;

    /// <summary>Starts listening for keys when there is a keyboard to listen to.</summary>
    public static KeyboardSteering Start(IRunningJob job, CancellationTokenSource stop)
    {
        var steering = new KeyboardSteering(job, stop);
        if (!Console.IsInputRedirected)
        {
            var thread = new Thread(steering.Listen) { IsBackground = true, Name = "mongomigrate keys" };
            thread.Start();
        }

        return steering;
    }

    /// <summary>Applies one key; public for tests and for scripted steering.</summary>
    public void Apply(char key)
    {
        var steering = _job.Steering;
        var settings = steering.Settings;
        switch (key)
        {
            case '+' or '=':
                Report("dump", steering.AdjustDumpWorkers(settings.DumpWorkers + 1));
                break;
            case '-' or '_':
                Report("dump", steering.AdjustDumpWorkers(Math.Max(1, settings.DumpWorkers - 1)));
                break;
            case '>' or '.':
                Report("restore", steering.AdjustRestoreWorkers(settings.RestoreWorkers + 1));
                break;
            case '<' or ',':
                Report("restore", steering.AdjustRestoreWorkers(Math.Max(1, settings.RestoreWorkers - 1)));
                break;
            case 'p' or 'P':
                if (steering.IsPaused)
                {
                    steering.Unpause();
                    _lastAction = "resumed";
                }
                else
                {
                    steering.Pause();
                    _lastAction = "paused: running chunks finish their step, no new ones start (p resumes, Ctrl+C stops resumably)";
                }

                break;
            case 'a' or 'A':
                steering.SetAdaptive(!steering.IsAdaptive);
                _lastAction = steering.IsAdaptive ? "adaptive: worker counts follow the measured throughput (a turns it off)" : "adaptive off: worker counts stay where they are";
                break;
            case 'c' or 'C' when _job is IOnlineJob { IsOnline: true } online:
                _lastAction = "cutover asked for: applying every change up to the source's cluster time now, then rechecking changed documents";
                _ = CutOverAsync(online);
                break;
            case 'q' or 'Q':
                _lastAction = "stopping: finished chunks are kept, running ones will be redone on resume";
                _stop.Cancel();
                break;
        }
    }

    private void Report(string pool, WorkerAdjustment adjustment)
    {
        var count = adjustment.Kind == WorkerPoolKind.Dump ? _job.Steering.Settings.DumpWorkers : _job.Steering.Settings.RestoreWorkers;
        _lastAction = adjustment.Deferred ? $"{pool} workers will be {count} on resume" : $"{pool} workers set to {count}";
    }

    private async Task CutOverAsync(IOnlineJob online)
    {
        try
        {
            var result = await online.RequestCutoverAsync(new CutoverRequest(), _stop.Token).ConfigureAwait(false);
            _lastAction = result.Message;
        }
        catch (OperationCanceledException)
        {
            _lastAction = "cutover not done: the job is stopping";
        }
    }

    private void Listen()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var key = Console.ReadKey(intercept: true);
                Apply(key.KeyChar);
            }
        }
        catch (InvalidOperationException)
        {
            // No console to read from after all, or it was closed as the process ends.
        }
    }
}
