using MongoMigrate.Engine.Jobs;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Turns key presses into live changes of a running job: workers up and down, pause and resume, stop.
/// A dedicated thread blocks on the console for keys; nothing polls.
/// </summary>
internal sealed class KeyboardSteering
{
    private readonly IRunningJob _job;
    private readonly CancellationTokenSource _stop;
    private int _dumpWorkers;
    private int _restoreWorkers;
    private bool _paused;
    private volatile string? _lastAction;

    private KeyboardSteering(IRunningJob job, CancellationTokenSource stop)
    {
        _job = job;
        _stop = stop;
        _dumpWorkers = job.DumpWorkers;
        _restoreWorkers = job.RestoreWorkers;
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
        switch (key)
        {
            case '+' or '=':
                SetDump(_dumpWorkers + 1);
                break;
            case '-' or '_':
                SetDump(Math.Max(1, _dumpWorkers - 1));
                break;
            case '>' or '.':
                SetRestore(_restoreWorkers + 1);
                break;
            case '<' or ',':
                SetRestore(Math.Max(1, _restoreWorkers - 1));
                break;
            case 'p' or 'P':
                _paused = !_paused;
                _job.AdjustDumpWorkers(_paused ? 0 : _dumpWorkers);
                _job.AdjustRestoreWorkers(_paused ? 0 : _restoreWorkers);
                _lastAction = _paused ? "paused: running chunks finish, no new ones start (p resumes)" : "resumed";
                break;
            case 'q' or 'Q':
                _lastAction = "stopping: running chunks are abandoned and will be redone on resume";
                _stop.Cancel();
                break;
        }
    }

    private void SetDump(int count)
    {
        _dumpWorkers = count;
        if (!_paused)
        {
            _job.AdjustDumpWorkers(count);
        }

        _lastAction = $"dump workers set to {count}";
    }

    private void SetRestore(int count)
    {
        _restoreWorkers = count;
        if (!_paused)
        {
            _job.AdjustRestoreWorkers(count);
        }

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
