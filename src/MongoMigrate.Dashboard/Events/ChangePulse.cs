using MongoMigrate.Dashboard.Jobs;

namespace MongoMigrate.Dashboard.Events;

/// <summary>
/// Wakes the event streams: once a second, after sampling every live job's throughput, and at once after an action.
/// Streams wait on it (no client polls); a stream sends only what changed since its last message.
/// </summary>
public sealed class ChangePulse(JobRegistry registry, TimeProvider timeProvider, TimeSpan interval) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private volatile bool _stopped;

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>Completes at the next pulse; cancelled once the dashboard stops, so that every event stream ends with it.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) =>
        _stopped ? Task.FromCanceled(new CancellationToken(canceled: true)) : Volatile.Read(ref _next).Task.WaitAsync(cancellationToken);

    /// <summary>Wakes every stream now (after an action changed something).</summary>
    public void Notify() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();

        // Streams waiting now wake up and find the pulse stopped: their responses end, and the server stops at once
        // instead of waiting for its shutdown timeout with a page still connected.
        _stopped = true;
        Notify();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var job in registry.Live)
            {
                await job.SampleAsync(cancellationToken).ConfigureAwait(false);
            }

            Notify();
        }
    }
}
