using MongoMigrate.Cluster.Secrets;

namespace MongoMigrate.Cluster.Workers;

/// <summary>How one worker process takes part in the cluster's jobs.</summary>
public sealed record ClusterWorkerOptions
{
    /// <summary>Opens the job's URIs (the cluster string's password derives it).</summary>
    public required ClusterKey Key { get; init; }

    /// <summary>Where this process keeps its scratch state and, for dump-restore jobs, its chunk files.</summary>
    public string WorkDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "mongomigrate-cluster");

    /// <summary>This process's caps, whatever its share of a job's pools.</summary>
    public int MaxDumpWorkers { get; init; } = int.MaxValue;

    public int MaxRestoreWorkers { get; init; } = int.MaxValue;

    /// <summary>
    /// A silo asks its jobs again after this long without news: a notification is lost when the grain that would send it
    /// moved to another silo (its silo died), and the first call after the move lets the new activation know the silo.
    /// </summary>
    public TimeSpan RecheckInterval { get; init; } = TimeSpan.FromSeconds(3);
}
