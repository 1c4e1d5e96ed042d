namespace MongoMigrate.Sandbox.Faults;

/// <summary>
/// Faults that tests program into a running sandbox: failing commands, dropped connections and added latency.
/// Thread-safe; changes apply to the next message on any connection.
/// </summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly List<ActiveFailPoint> _failPoints = [];
    private long _messageCount;
    private int _dropEvery;

    /// <summary>Added before every reply; zero for none.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Fails the next <paramref name="times"/> commands named <paramref name="commandName"/> with an error code and labels.</summary>
    public void FailCommand(string commandName, int errorCode, int times = 1, params string[] errorLabels) =>
        Add(new FailPoint { Commands = [commandName], ErrorCode = errorCode, Times = times, ErrorLabels = errorLabels });

    /// <summary>Closes the connection on the next <paramref name="times"/> commands named <paramref name="commandName"/>.</summary>
    public void CloseConnectionOn(string commandName, int times = 1) =>
        Add(new FailPoint { Commands = [commandName], CloseConnection = true, Times = times });

    /// <summary>Arms a fail point.</summary>
    public void Add(FailPoint failPoint)
    {
        lock (_lock)
        {
            _failPoints.Add(new ActiveFailPoint(failPoint));
        }
    }

    /// <summary>Closes whichever connection receives every <paramref name="messages"/>-th message (server-wide); 0 turns it off.</summary>
    public void DropConnectionsEvery(int messages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messages);
        Volatile.Write(ref _dropEvery, messages);
    }

    /// <summary>Removes every fault.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _failPoints.Clear();
        }

        Volatile.Write(ref _dropEvery, 0);
        Latency = TimeSpan.Zero;
    }

    /// <summary>Removes the fail points of one name (configureFailPoint mode "off"), or all of them.</summary>
    public void ClearFailPoints(string? name = null)
    {
        lock (_lock)
        {
            _failPoints.RemoveAll(f => name is null || f.Definition.Name == name);
        }
    }

    /// <summary>Counts a message; true when this one should drop its connection.</summary>
    internal bool ShouldDropConnection()
    {
        var every = Volatile.Read(ref _dropEvery);
        var count = Interlocked.Increment(ref _messageCount);
        return every > 0 && count % every == 0;
    }

    /// <summary>The fail point that fires for this command, if any, consuming one of its times.</summary>
    internal FailPoint? Match(string commandName, string? appName, bool afterExecution) =>
        Fire(point => point.Name == FailPoint.FailCommand && point.AfterExecution == afterExecution && Applies(point, commandName, appName));

    /// <summary>The failGetMoreAfterCursorCheckout fail point, if it fires for this getMore.</summary>
    internal FailPoint? MatchGetMoreAfterCursorCheckout() =>
        Fire(point => point.Name == FailPoint.FailGetMoreAfterCursorCheckout);

    private FailPoint? Fire(Func<FailPoint, bool> applies)
    {
        lock (_lock)
        {
            for (var i = 0; i < _failPoints.Count; i++)
            {
                var active = _failPoints[i];
                var point = active.Definition;
                if (!applies(point))
                {
                    continue;
                }

                if (active.Skipped < point.Skip)
                {
                    active.Skipped++;
                    continue;
                }

                active.Fired++;
                if (point.Times is { } times && active.Fired >= times)
                {
                    _failPoints.RemoveAt(i);
                }

                return point;
            }

            return null;
        }
    }

    private static bool Applies(FailPoint point, string commandName, string? appName)
    {
        if (point.AppName is not null && point.AppName != appName)
        {
            return false;
        }

        return point.Commands.Count == 0
            ? commandName is not ("hello" or "isMaster" or "ismaster" or "configureFailPoint")
            : point.Commands.Contains(commandName);
    }

    private sealed class ActiveFailPoint(FailPoint definition)
    {
        public FailPoint Definition { get; } = definition;

        public int Fired { get; set; }

        public int Skipped { get; set; }
    }
}
