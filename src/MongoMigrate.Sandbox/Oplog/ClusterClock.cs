namespace MongoMigrate.Sandbox.Oplog;

/// <summary>
/// The server's logical clock: BSON timestamps (seconds, increment) that strictly increase with every write,
/// as a replica set's oplog times do. Change events, operationTime and $clusterTime come from it.
/// </summary>
public sealed class ClusterClock(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();

    // The times handed out to the command running in this async flow, so its reply's operationTime is
    // its own last write's time, as mongod's is, even when other writes or no-ops follow at once.
    private readonly AsyncLocal<OperationTimes?> _operation = new();
    private ulong _last;

    /// <summary>Starts recording the times handed out to the calling command; <see cref="OperationTime"/> reads them.</summary>
    public void BeginOperation() => _operation.Value = new OperationTimes();

    /// <summary>The calling command's last write time, or <see cref="Current"/> when it wrote nothing (a read sees every write so far).</summary>
    public ulong OperationTime => _operation.Value?.Last is { } last and > 0 ? last : Current;

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
            if (_operation.Value is { } operation)
            {
                operation.Last = _last;
            }

            return _last;
        }
    }

    /// <summary>Wall-clock milliseconds since the epoch, for wallTime fields.</summary>
    public long WallTimeMilliseconds => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class OperationTimes
    {
        public ulong Last { get; set; }
    }
}
