namespace MongoMigrate.Engine.ChunkStorage;

/// <summary>
/// Bounds the bytes dumped but not yet restored. Dump workers reserve room before writing a chunk and
/// wait, without polling, while the budget is spent; restores give it back. A single request larger
/// than the whole budget is let through when nothing else holds any, so it can never wait forever.
/// </summary>
public sealed class DiskBudget(long capacity)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource Ready)> _waiters = new();
    private long _used;

    public long Capacity { get; } = capacity;

    public long Used
    {
        get
        {
            lock (_lock)
            {
                return _used;
            }
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>; completes once they fit (FIFO among waiters).</summary>
    public async ValueTask AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        TaskCompletionSource ready;
        LinkedListNode<(long, TaskCompletionSource)> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && Fits(bytes))
            {
                _used += bytes;
                return;
            }

            ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast((bytes, ready));
        }

        try
        {
            await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var granted = false;
            lock (_lock)
            {
                if (node.List is not null)
                {
                    _waiters.Remove(node);
                }
                else
                {
                    granted = true;
                }
            }

            if (granted)
            {
                // Granted just as we gave up: hand the bytes back so nothing leaks.
                Release(bytes);
            }

            throw;
        }
    }

    /// <summary>Changes a reservation once the real size is known (positive grows it, negative shrinks it).</summary>
    public void Adjust(long delta)
    {
        if (delta < 0)
        {
            Release(-delta);
            return;
        }

        lock (_lock)
        {
            _used += delta;
        }
    }

    public void Release(long bytes)
    {
        List<TaskCompletionSource> wake = [];
        lock (_lock)
        {
            _used = Math.Max(0, _used - bytes);
            while (_waiters.First is { } first && Fits(first.Value.Bytes))
            {
                _used += first.Value.Bytes;
                _waiters.RemoveFirst();
                wake.Add(first.Value.Ready);
            }
        }

        foreach (var waiter in wake)
        {
            waiter.TrySetResult();
        }
    }

    private bool Fits(long bytes) => _used + bytes <= Capacity || _used == 0;
}
