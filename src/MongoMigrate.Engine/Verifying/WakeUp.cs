namespace MongoMigrate.Engine.Verifying;

/// <summary>A signal to wait for without polling: <see cref="Next"/> gives a task that the next <see cref="Signal"/> completes.</summary>
internal sealed class WakeUp
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next() => Volatile.Read(ref _next).Task;

    public void Signal() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
