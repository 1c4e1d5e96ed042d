namespace MongoMigrate.Engine.WorkerPools;

/// <summary>One tracked worker: who it is, what it works on and how far it got; the work reports its progress through it.</summary>
/// <remarks>
/// Progress is written without a lock (it is reported often, from the worker's own thread) and read by
/// the health check and the snapshot, which only need a recent value.
/// </remarks>
public sealed class WorkerContext
{
    private readonly WorkerTracker _tracker;

    // Never disposed: a source without a timer holds no unmanaged resource, and not disposing it means a
    // cancellation requested by the health check can never race with the worker finishing.
    private readonly CancellationTokenSource _cancellation = new();
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly Action<WorkerContext, object?>? _stuckHandler;
    private readonly object? _stuckHandlerState;
    private long _lastProgressUtcTicks;
    private long _documents;
    private long _bytes;
    private int _state;
    private string? _workItem;

    internal WorkerContext(
        WorkerTracker tracker,
        string collectionKey,
        string workerId,
        string? workItem,
        int attempt,
        DateTimeOffset startedAt,
        CancellationToken cancellationToken,
        Action<WorkerContext, object?>? stuckHandler,
        object? stuckHandlerState)
    {
        _tracker = tracker;
        CollectionKey = collectionKey;
        WorkerId = workerId;
        _workItem = workItem;
        Attempt = attempt;
        StartedAt = startedAt;
        _lastProgressUtcTicks = startedAt.UtcTicks;
        _stuckHandler = stuckHandler;
        _stuckHandlerState = stuckHandlerState;
        CancellationToken = _cancellation.Token;
        _callerRegistration = cancellationToken.UnsafeRegister(
            static state => ((WorkerContext)state!).RequestCancellation(),
            this);
    }

    public string JobId => _tracker.Owner.JobId;

    internal WorkerPoolManager Pool => _tracker.Owner;

    public WorkerPoolKind PoolKind => _tracker.Owner.Kind;

    /// <summary>The collection the worker works for, e.g. <c>db.coll</c>.</summary>
    public string CollectionKey { get; }

    public string WorkerId { get; }

    /// <summary>1 for the first run of the work item, 2 for its first retry, and so on.</summary>
    public int Attempt { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>What the worker works on now (e.g. a chunk's id range), shown in the snapshot.</summary>
    public string? WorkItem => Volatile.Read(ref _workItem);

    /// <summary>When the worker last reported progress (or started); the health check measures from here.</summary>
    public DateTimeOffset LastProgressAt => new(Volatile.Read(ref _lastProgressUtcTicks), TimeSpan.Zero);

    public long Documents => Interlocked.Read(ref _documents);

    public long Bytes => Interlocked.Read(ref _bytes);

    public WorkerState State => (WorkerState)Volatile.Read(ref _state);

    /// <summary>Cancelled when the caller's token is, when the worker is declared stuck, or when its job is cleaned up.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Records progress: counts towards the collection's metrics and resets the stuck-worker clock.</summary>
    public void ReportProgress(long documents, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(documents);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Interlocked.Add(ref _documents, documents);
        Interlocked.Add(ref _bytes, bytes);
        Touch();
        _tracker.OnProgress(this, documents, bytes);
    }

    /// <summary>Names the work item now being worked on; also counts as progress.</summary>
    public void SetWorkItem(string? workItem)
    {
        Volatile.Write(ref _workItem, workItem);
        Touch();
    }

    internal void RequestCancellation() => _cancellation.Cancel();

    /// <summary>Running to stuck, once; false if the worker already finished or was already declared stuck.</summary>
    internal bool TryMarkStuck() =>
        Interlocked.CompareExchange(ref _state, (int)WorkerState.Stuck, (int)WorkerState.Running) == (int)WorkerState.Running;

    internal void InvokeStuckHandler() => _stuckHandler?.Invoke(this, _stuckHandlerState);

    internal void Finish(WorkerOutcome outcome)
    {
        var state = outcome switch
        {
            WorkerOutcome.Succeeded => WorkerState.Succeeded,
            WorkerOutcome.Failed => WorkerState.Failed,
            _ => WorkerState.Canceled,
        };
        Volatile.Write(ref _state, (int)state);

        // Unregister, not Dispose: never block a finishing worker on a cancellation running elsewhere.
        _callerRegistration.Unregister();
    }

    internal WorkerSnapshot ToSnapshot() =>
        new(WorkerId, CollectionKey, State, StartedAt, WorkItem, LastProgressAt, Documents, Bytes, Attempt);

    private void Touch() => Volatile.Write(ref _lastProgressUtcTicks, _tracker.Owner.TimeProvider.GetUtcNow().UtcTicks);
}
