namespace MongoMigrate.Engine.State;

/// <summary>Where an online job keeps its change stream checkpoint; each save is durable before it returns.</summary>
public interface IChangeStreamCheckpointStore
{
    /// <summary>Stores the checkpoint, replacing the job's previous one.</summary>
    /// <exception cref="InvalidOperationException">The job does not exist.</exception>
    Task SaveChangeStreamCheckpointAsync(ChangeStreamCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>The job's checkpoint, or null when it has none (not online, or not started).</summary>
    Task<ChangeStreamCheckpoint?> GetChangeStreamCheckpointAsync(string jobId, CancellationToken cancellationToken);
}
