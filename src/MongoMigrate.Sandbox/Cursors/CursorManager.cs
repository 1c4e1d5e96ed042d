using System.Collections.Concurrent;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Cursors;

/// <summary>Open server cursors by id; cursors idle longer than the timeout are closed when new ones open.</summary>
internal sealed class CursorManager(TimeProvider timeProvider, TimeSpan idleTimeout)
{
    private readonly ConcurrentDictionary<long, ServerCursor> _cursors = new();
    private readonly Random _random = new();
    private readonly Lock _randomLock = new();

    public int Count => _cursors.Count;

    public long Register(ServerCursor cursor)
    {
        SweepIdle();
        cursor.LastUsedTimestamp = timeProvider.GetTimestamp();
        while (true)
        {
            long id;
            lock (_randomLock)
            {
                id = _random.NextInt64(1, long.MaxValue);
            }

            if (_cursors.TryAdd(id, cursor))
            {
                cursor.Id = id;
                return id;
            }
        }
    }

    /// <summary>The cursor for a getMore: CursorNotFound (43) if unknown, Unauthorized (13) if the namespace differs.</summary>
    public ServerCursor Get(long id, Namespace ns)
    {
        if (!_cursors.TryGetValue(id, out var cursor))
        {
            throw new CommandException(ServerErrorCode.CursorNotFound, $"cursor id {id} not found");
        }

        if (cursor.Namespace != ns)
        {
            throw new CommandException(
                ServerErrorCode.Unauthorized,
                $"Requested getMore on namespace '{ns.FullName}', but cursor belongs to a different namespace {cursor.Namespace.FullName}");
        }

        cursor.LastUsedTimestamp = timeProvider.GetTimestamp();
        return cursor;
    }

    public bool Kill(long id) => _cursors.TryRemove(id, out _);

    public void Remove(ServerCursor cursor) => _cursors.TryRemove(new KeyValuePair<long, ServerCursor>(cursor.Id, cursor));

    /// <summary>Closes every cursor (a test's way to make the next getMore fail with CursorNotFound).</summary>
    public int KillAll()
    {
        var count = _cursors.Count;
        _cursors.Clear();
        return count;
    }

    private void SweepIdle()
    {
        var now = timeProvider.GetTimestamp();
        foreach (var pair in _cursors)
        {
            if (timeProvider.GetElapsedTime(pair.Value.LastUsedTimestamp, now) > idleTimeout)
            {
                _cursors.TryRemove(pair);
            }
        }
    }
}
