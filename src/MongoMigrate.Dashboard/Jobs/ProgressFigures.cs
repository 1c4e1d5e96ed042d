using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Engine.Progress;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>Turns the engine's live progress and pool snapshots into the API's figures.</summary>
internal static class ProgressFigures
{
    public static PhaseCounts Phases(IReadOnlyList<CollectionProgress> collections)
    {
        int Count(CollectionPhase phase) => collections.Count(c => c.Phase == phase);
        return new PhaseCounts(
            collections.Count,
            Count(CollectionPhase.Waiting) + Count(CollectionPhase.Planning),
            Count(CollectionPhase.Copying),
            Count(CollectionPhase.Indexing),
            Count(CollectionPhase.Verifying),
            Count(CollectionPhase.Done),
            Count(CollectionPhase.Failed));
    }

    public static ChunkProgress Chunks(IReadOnlyList<CollectionProgress> collections) => new(
        collections.Sum(c => c.ChunksTotal), collections.Sum(c => c.ChunksDumped), collections.Sum(c => c.ChunksRestored), collections.Sum(c => c.ChunksFailed));

    public static CollectionRow Row(CollectionProgress c) => new(
        c.Source,
        c.Target,
        c.Phase.ToString().ToLowerInvariant(),
        c.ChunksTotal,
        c.ChunksDumped,
        c.ChunksRestored,
        c.ChunksFailed,
        c.Documents,
        c.EstimatedDocuments,
        c.Bytes,
        c.EstimatedBytes,
        Percent(c),
        null);

    /// <summary>Done by restored chunks when the collection is planned, by bytes before; 100 once done.</summary>
    public static double Percent(CollectionProgress c) => c.Phase == CollectionPhase.Done ? 100
        : c.ChunksTotal > 0 ? Math.Min(99.9, 100.0 * c.ChunksRestored / c.ChunksTotal)
        : c.EstimatedBytes > 0 ? Math.Min(99.9, 100.0 * c.Bytes / c.EstimatedBytes)
        : 0;

    public static JobPools Pools(JobWorkerPoolsSnapshot snapshot, DateTimeOffset now) =>
        new(now, Pool(snapshot.Dump, now), Pool(snapshot.Restore, now));

    private static PoolView? Pool(WorkerPoolSnapshot? pool, DateTimeOffset now) => pool is null ? null : new PoolView(
        pool.Kind.ToString().ToLowerInvariant(),
        pool.MaxWorkers,
        pool.Active,
        pool.Waiting,
        pool.Completed,
        pool.Failed,
        pool.Canceled,
        pool.Stuck,
        pool.AdaptiveScaling,
        [.. pool.Workers.OrderBy(w => w.StartedAt).Select(w => new WorkerView(
            w.WorkerId,
            w.CollectionKey,
            w.State.ToString().ToLowerInvariant(),
            w.WorkItem,
            w.StartedAt,
            w.LastProgressAt,
            Math.Max(0, (now - w.StartedAt).TotalSeconds),
            Math.Max(0, (now - w.LastProgressAt).TotalSeconds),
            w.State == WorkerState.Stuck,
            w.Documents,
            w.Bytes,
            w.Attempt))]);
}
