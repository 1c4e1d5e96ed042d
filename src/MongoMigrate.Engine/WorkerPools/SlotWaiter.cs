namespace MongoMigrate.Engine.WorkerPools;

/// <summary>One pending acquire: queued in its pool by priority, completed outside the lock once it is granted, cancelled or its pool disposed.</summary>
internal sealed class SlotWaiter : TaskCompletionSource<WorkerSlot>
{
    /// <summary>Higher priority first; among equals, the one that asked first (the sequence is global, so this also orders waiters of different pools).</summary>
    public static readonly IComparer<SlotWaiter> Order = Comparer<SlotWaiter>.Create(static (x, y) =>
    {
        var byPriority = y.Priority.CompareTo(x.Priority);
        return byPriority != 0 ? byPriority : x.Sequence.CompareTo(y.Sequence);
    });

    private const int None = 0;
    private const int Registered = 1;
    private const int Completed = 2;
    private CancellationTokenRegistration _registration;
    private int _registrationState;

    // Continuations run on the thread pool: whoever completes a waiter (a releasing worker, a resize)
    // must never run the next worker's code inline on its own stack.
    public SlotWaiter(WorkerSlotLimiter limiter, long priority, long sequence, long enqueuedTimestamp)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Limiter = limiter;
        Priority = priority;
        Sequence = sequence;
        EnqueuedTimestamp = enqueuedTimestamp;
    }

    public WorkerSlotLimiter Limiter { get; }

    public WorkerPoolManager Pool => Limiter.Owner;

    public long Priority { get; }

    public long Sequence { get; }

    public long EnqueuedTimestamp { get; }

    /// <summary>True while the waiter sits in its pool's queue; guarded by the pool's lock, so grant, cancel and dispose each win at most once.</summary>
    public bool InQueue { get; set; }

    /// <summary>Links the waiters decided under the lock, so they are completed after it without allocating a list.</summary>
    public SlotWaiter? NextDecided { get; set; }

    /// <summary>Set when the pool is disposed while the waiter still waits.</summary>
    public bool Abandoned { get; set; }

    /// <summary>
    /// Watches the caller's token, after the lock is released (a token already cancelled runs the callback
    /// inline, and the callback takes the lock). Whichever of this and <see cref="DetachCancellation"/> comes
    /// second unregisters, so a long-lived token never keeps registrations of waiters long granted.
    /// </summary>
    public void AttachCancellation(CancellationToken cancellationToken)
    {
        _registration = cancellationToken.UnsafeRegister(
            static (state, token) => ((SlotWaiter)state!).TryCancel(token),
            this);
        if (Interlocked.CompareExchange(ref _registrationState, Registered, None) == Completed)
        {
            _registration.Unregister();
        }
    }

    /// <summary>Called once the waiter is granted or abandoned.</summary>
    public void DetachCancellation()
    {
        if (Interlocked.Exchange(ref _registrationState, Completed) == Registered)
        {
            _registration.Unregister();
        }
    }

    /// <summary>Registered on the caller's token: removes the waiter if it still waits, then cancels its task outside the lock.</summary>
    public void TryCancel(CancellationToken cancellationToken)
    {
        if (Limiter.TryRemoveWaiter(this))
        {
            TrySetCanceled(cancellationToken);
        }
    }
}
