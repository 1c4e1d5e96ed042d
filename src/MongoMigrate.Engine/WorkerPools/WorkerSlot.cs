namespace MongoMigrate.Engine.WorkerPools;

/// <summary>A slot held in a <see cref="WorkerPoolManager"/> (and its global limit); disposing it gives the slot back, exactly once.</summary>
/// <remarks>
/// A struct so that the uncontended acquire allocates nothing. Copies share the slot: dispose one copy only,
/// as with a <see cref="SemaphoreSlim"/> release, which a copy cannot detect.
/// </remarks>
public readonly struct WorkerSlot : IDisposable
{
    private readonly WorkerPoolManager? _pool;

    internal WorkerSlot(WorkerPoolManager pool) => _pool = pool;

    /// <summary>The pool the slot belongs to; null for a default (never acquired) slot.</summary>
    public WorkerPoolManager? Pool => _pool;

    /// <summary>Gives the slot back to the pool, which hands it to the best waiter at once.</summary>
    public void Dispose() => _pool?.Release();
}
