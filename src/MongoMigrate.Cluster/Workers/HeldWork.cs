using MongoMigrate.Cluster.Jobs;

namespace MongoMigrate.Cluster.Workers;

/// <summary>
/// What one silo holds of one job by its own account: the chunks granted to it whose end the grain has not yet
/// acknowledged, and the collections it is finishing. Every lease request carries it, so the grain takes back what the
/// silo has forgotten (a grant whose answer was lost) and keeps what it is still working on or still reporting.
/// </summary>
internal sealed class HeldWork
{
    private readonly Lock _gate = new();
    private readonly HashSet<ChunkLease> _chunks = [];
    private readonly HashSet<int> _finishing = [];

    /// <summary>Records a granted chunk; false when the silo already holds it (it is already being copied here).</summary>
    public bool Take(ChunkLease chunk)
    {
        lock (_gate)
        {
            return _chunks.Add(chunk);
        }
    }

    /// <summary>Forgets a chunk once the grain has acknowledged its end (completed, failed or handed back).</summary>
    public void Settle(ChunkLease chunk)
    {
        lock (_gate)
        {
            _chunks.Remove(chunk);
        }
    }

    public bool TakeFinish(int collection)
    {
        lock (_gate)
        {
            return _finishing.Add(collection);
        }
    }

    public void SettleFinish(int collection)
    {
        lock (_gate)
        {
            _finishing.Remove(collection);
        }
    }

    public (IReadOnlyList<ChunkLease> Chunks, IReadOnlyList<int> Finishing) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _chunks], [.. _finishing]);
        }
    }
}
