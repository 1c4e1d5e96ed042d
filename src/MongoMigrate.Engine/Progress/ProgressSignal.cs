namespace MongoMigrate.Engine.Progress;

/// <summary>Wakes whoever waits for a job's progress to move; when nobody waits, a change costs one volatile read.</summary>
internal sealed class ProgressSignal
{
    private TaskCompletionSource? _next;

    /// <summary>Something moved: completes the task that waiters hold, if any.</summary>
    public void Changed()
    {
        if (Volatile.Read(ref _next) is not null)
        {
            Interlocked.Exchange(ref _next, null)?.TrySetResult();
        }
    }

    /// <summary>A task that completes at the next change; take it before looking at the progress, so no change is missed.</summary>
    public Task Next()
    {
        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _next, fresh, null) ?? fresh).Task;
    }
}
