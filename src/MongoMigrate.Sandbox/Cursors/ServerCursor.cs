using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Cursors;

/// <summary>A cursor kept open between batches: getMore asks it for the next one.</summary>
internal abstract class ServerCursor
{
    private int _inUse;

    protected ServerCursor(Namespace ns)
    {
        Namespace = ns;
    }

    public long Id { get; set; }

    /// <summary>The namespace reported in replies and checked on getMore.</summary>
    public Namespace Namespace { get; }

    /// <summary>When the cursor was last used, for the idle timeout.</summary>
    public long LastUsedTimestamp { get; set; }

    /// <summary>The reply to a batchSize of 0: no documents, the cursor open (a change stream adds its resume token).</summary>
    public virtual CursorBatch EmptyBatch() => new([], Exhausted: false);

    public abstract ValueTask<CursorBatch> NextBatchAsync(BatchLimits limits, CancellationToken cancellationToken);

    /// <summary>Marks the cursor busy; false when another getMore is already running on it.</summary>
    public bool TryEnter() => Interlocked.Exchange(ref _inUse, 1) == 0;

    public void Exit() => Volatile.Write(ref _inUse, 0);
}
