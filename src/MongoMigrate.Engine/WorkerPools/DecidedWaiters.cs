namespace MongoMigrate.Engine.WorkerPools;

/// <summary>The waiters granted or abandoned inside one locked region, completed in order after the lock is released.</summary>
internal struct DecidedWaiters
{
    private SlotWaiter? _head;
    private SlotWaiter? _tail;

    public readonly bool IsEmpty => _head is null;

    public void Add(SlotWaiter waiter)
    {
        waiter.NextDecided = null;
        if (_tail is null)
        {
            _head = waiter;
        }
        else
        {
            _tail.NextDecided = waiter;
        }

        _tail = waiter;
    }

    /// <summary>Completes every decided waiter; must be called with no lock held, since completing runs user-visible code paths.</summary>
    public readonly void Complete(TimeProvider timeProvider, WorkerPoolMetrics? metrics)
    {
        var waiter = _head;
        while (waiter is not null)
        {
            var next = waiter.NextDecided;
            waiter.NextDecided = null;
            if (waiter.Abandoned)
            {
                waiter.TrySetException(new ObjectDisposedException(
                    nameof(WorkerPoolManager),
                    $"The {waiter.Pool.KindName} pool of job '{waiter.Pool.JobId}' was cleaned up while a worker waited for a slot."));
            }
            else
            {
                metrics?.RecordSlotWait(waiter.Pool, timeProvider.GetElapsedTime(waiter.EnqueuedTimestamp));
                waiter.TrySetResult(new WorkerSlot(waiter.Pool));
            }

            waiter.DetachCancellation();
            waiter = next;
        }
    }
}
