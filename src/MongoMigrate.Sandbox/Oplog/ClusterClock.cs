namespace MongoMigrate.Sandbox.Oplog;

/// <summary>
/// The server's logical clock: BSON timestamps (seconds, increment) that strictly increase with every write,
/// as a replica set's oplog times do. Change events, operationTime and $clusterTime come from it.
/// </summary>
public sealed class ClusterClock(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private ulong _last;

    /// <summary>The most recent time handed out (or now, if nothing was written yet).</summary>
    public ulong Current
    {
        get
        {
            lock (_lock)
            {
                return _last == 0 ? (ulong)timeProvider.GetUtcNow().ToUnixTimeSeconds() << 32 : _last;
            }
        }
    }

    /// <summary>A new time, later than every earlier one.</summary>
    public ulong Tick()
    {
        lock (_lock)
        {
            var seconds = (ulong)timeProvider.GetUtcNow().ToUnixTimeSeconds();
            var candidate = (seconds << 32) | 1;
            _last = candidate > _last ? candidate : _last + 1;
            return _last;
        }
    }

    /// <summary>Wall-clock milliseconds since the epoch, for wallTime fields.</summary>
    public long WallTimeMilliseconds => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
