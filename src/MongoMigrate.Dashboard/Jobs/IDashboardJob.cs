using MongoMigrate.Dashboard.Contracts;

namespace MongoMigrate.Dashboard.Jobs;

/// <summary>A job as the dashboard serves it: a running one (live, steerable) or one read from its state file.</summary>
public interface IDashboardJob
{
    string JobId { get; }

    /// <summary>True while the job runs in this process and can be steered.</summary>
    bool IsSteerable { get; }

    /// <summary>Where the job stands now; cheap enough for every event.</summary>
    JobDetail Detail();

    /// <summary>The pools and their workers, or null when the job has none (finished, or read from its state).</summary>
    JobPools? Pools();

    /// <summary>Every collection of the job with its progress.</summary>
    Task<IReadOnlyList<CollectionRow>> CollectionsAsync(CancellationToken cancellationToken);

    /// <summary>The chunks of one collection as the state records them; empty when the job keeps no state.</summary>
    Task<IReadOnlyList<ChunkRow>> ChunksAsync(string sourceNamespace, CancellationToken cancellationToken);

    /// <summary>Chunk counts by status, over the whole job.</summary>
    Task<IReadOnlyList<ChunkCount>> ChunkCountsAsync(CancellationToken cancellationToken);

    /// <summary>The latest errors, newest first.</summary>
    Task<IReadOnlyList<ErrorRow>> ErrorsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Throughput samples taken while the dashboard watched the job, oldest first.</summary>
    IReadOnlyList<ThroughputSample> Throughput();
}
