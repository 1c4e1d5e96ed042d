using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// The following as the continuous verification's clock: its checkpoint's applied time (a checkpoint never passes a
/// change whose key is not queued for its recheck), its signalled wait, and the source's own cluster time.
/// The follower is given once started (it is built with the verifier as its recheck sink).
/// </summary>
internal sealed class FollowerClock(IMongoClient source) : IAppliedClock
{
    private ChangeStreamFollower? _follower;

    public void Attach(ChangeStreamFollower follower) => Volatile.Write(ref _follower, follower);

    public ulong AppliedTime => Volatile.Read(ref _follower)?.Checkpoint.AppliedTime ?? 0;

    public Task WaitForAppliedAsync(ulong clusterTime, CancellationToken cancellationToken) =>
        (Volatile.Read(ref _follower) ?? throw new InvalidOperationException("The follower has not started.")).WaitForAppliedAsync(clusterTime, cancellationToken);

    public Task<ulong> SourceTimeAsync(CancellationToken cancellationToken) => SourceClusterTime.ReadAsync(source, cancellationToken);
}
