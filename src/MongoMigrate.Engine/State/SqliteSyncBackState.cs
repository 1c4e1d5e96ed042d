namespace MongoMigrate.Engine.State;

/// <summary>
/// A job's sync-back (after a cutover, the target's changes followed back to the source) keeps its checkpoint and
/// status in tables of its own, beside the forward following's: the same follower runs over them, its roles swapped.
/// </summary>
internal sealed class SqliteSyncBackState(
    Func<ChangeStreamCheckpoint, CancellationToken, Task> saveCheckpoint,
    Func<string, CancellationToken, Task<ChangeStreamCheckpoint?>> getCheckpoint,
    Func<OnlineStatus, CancellationToken, Task> saveStatus,
    Func<string, CancellationToken, Task<OnlineStatus?>> getStatus) : IChangeStreamCheckpointStore
{
    public Task SaveChangeStreamCheckpointAsync(ChangeStreamCheckpoint checkpoint, CancellationToken cancellationToken) => saveCheckpoint(checkpoint, cancellationToken);

    public Task<ChangeStreamCheckpoint?> GetChangeStreamCheckpointAsync(string jobId, CancellationToken cancellationToken) => getCheckpoint(jobId, cancellationToken);

    public Task SaveOnlineStatusAsync(OnlineStatus status, CancellationToken cancellationToken) => saveStatus(status, cancellationToken);

    public Task<OnlineStatus?> GetOnlineStatusAsync(string jobId, CancellationToken cancellationToken) => getStatus(jobId, cancellationToken);
}
