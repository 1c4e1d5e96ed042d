namespace MongoMigrate.Engine.State;

/// <summary>Where an online job keeps its change stream checkpoint; each save is durable before it returns.</summary>
public interface IChangeStreamCheckpointStore
{
    /// <summary>Stores the checkpoint, replacing the job's previous one.</summary>
    /// <exception cref="InvalidOperationException">The job does not exist.</exception>
    Task SaveChangeStreamCheckpointAsync(ChangeStreamCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>The job's checkpoint, or null when it has none (not online, or not started).</summary>
    Task<ChangeStreamCheckpoint?> GetChangeStreamCheckpointAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Stores where an online job stands (phase, counters, lag), replacing what was stored; for `jobs` and dashboards.</summary>
    Task SaveOnlineStatusAsync(OnlineStatus status, CancellationToken cancellationToken);

    /// <summary>The online job's last stored status, or null (not online, or not started).</summary>
    Task<OnlineStatus?> GetOnlineStatusAsync(string jobId, CancellationToken cancellationToken);
}
