namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// What the server counts about hello and isMaster: how many it answered, and the awaitable ones (the driver's
/// streaming monitor) it held. Tests read them to prove an idle client does not poll the server in a loop.
/// </summary>
internal sealed class HelloStatistics
{
    private long _answered;
    private long _awaitable;
    private long _heldToDeadline;
    private int _holding;

    /// <summary>hello and isMaster commands answered: handshakes, monitor checks, round-trip checks, users' own.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>hellos that carried topologyVersion and maxAwaitTimeMS.</summary>
    public long Awaitable => Interlocked.Read(ref _awaitable);

    /// <summary>Awaitable hellos answered because their maxAwaitTimeMS ran out (nothing changed meanwhile).</summary>
    public long HeldToDeadline => Interlocked.Read(ref _heldToDeadline);

    /// <summary>Awaitable hellos being held right now.</summary>
    public int Holding => Volatile.Read(ref _holding);

    public void CountAnswered() => Interlocked.Increment(ref _answered);

    public void CountAwaitable() => Interlocked.Increment(ref _awaitable);

    public void StartHolding() => Interlocked.Increment(ref _holding);

    public void StopHolding(bool deadlineReached)
    {
        Interlocked.Decrement(ref _holding);
        if (deadlineReached)
        {
            Interlocked.Increment(ref _heldToDeadline);
        }
    }
}
