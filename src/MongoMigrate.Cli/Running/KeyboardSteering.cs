using MongoMigrate.Engine.Jobs;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Turns key presses into live changes of a running job: workers up and down, pause and resume, stop.
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
        var settings = _job.WorkerSettings;
        switch (key)
        {
            case '+' or '=':
                SetDump(settings.DumpWorkers + 1);
                break;
            case '-' or '_':
                SetDump(Math.Max(1, settings.DumpWorkers - 1));
                break;
            case '>' or '.':
                SetRestore(settings.RestoreWorkers + 1);
                break;
            case '<' or ',':
                SetRestore(Math.Max(1, settings.RestoreWorkers - 1));
                break;
            case 'p' or 'P':
                if (_job.IsPaused)
                {
                    _job.Unpause();
                    _lastAction = "resumed";
                }
                else
                {
                    _job.Pause();
                    _lastAction = "paused: running chunks finish their step, no new ones start (p resumes, Ctrl+C stops resumably)";
                }

                break;
            case 'q' or 'Q':
                _lastAction = "stopping: finished chunks are kept, running ones will be redone on resume";
                _stop.Cancel();
                break;
        }
    }

    private void SetDump(int count)
    {
        if (_job.IsPaused)
        {
            _job.RememberWorkers(_job.WorkerSettings with { DumpWorkers = count });
            _lastAction = $"dump workers will be {count} on resume";
            return;
        }

        _job.AdjustDumpWorkers(count);
        _lastAction = $"dump workers set to {count}";
    }

    private void SetRestore(int count)
    {
        if (_job.IsPaused)
        {
            _job.RememberWorkers(_job.WorkerSettings with { RestoreWorkers = count });
            _lastAction = $"restore workers will be {count} on resume";
            return;
        }

        _job.AdjustRestoreWorkers(count);
        _lastAction = $"restore workers set to {count}";
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
