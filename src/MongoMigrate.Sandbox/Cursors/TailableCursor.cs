using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Cursors;

/// <summary>
/// A tailable cursor on a capped collection: it returns documents in insertion order and stays open at the end.
/// With awaitData, a getMore that finds nothing new waits until a write is logged (a signal, not a poll) or its
/// maxTimeMS (the await time, default 1 s) runs out, then answers with what arrived, possibly nothing.
/// </summary>
internal sealed class TailableCursor : ServerCursor
{
    private readonly Catalog _catalog;
    private readonly ChangeLog _changeLog;
    private readonly TimeProvider _timeProvider;
    private readonly Func<RawDocument, bool> _matches;
    private readonly Func<RawDocument, RawDocument> _project;
    private readonly bool _awaitData;
    private long _lastRecordId;

    public TailableCursor(ServerContext server, Namespace ns, Func<RawDocument, bool> matches, Func<RawDocument, RawDocument> project, bool awaitData)
        : base(ns)
    {
        _catalog = server.Catalog;
        _changeLog = server.ChangeLog;
        _timeProvider = server.TimeProvider;
        _matches = matches;
        _project = project;
        _awaitData = awaitData;
    }

    public override async ValueTask<CursorBatch> NextBatchAsync(BatchLimits limits, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            // The log position is taken before reading, so a write that lands after the read still wakes the wait.
            var logged = _changeLog.LastSequence;
            var (batch, dropped) = Read(limits);
            if (batch.Count > 0 || dropped || !_awaitData)
            {
                return new CursorBatch(batch, dropped);
            }

            var remaining = limits.MaxAwait - _timeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero
                || !await _changeLog.WaitForEventAsync(logged, remaining, _timeProvider, cancellationToken).ConfigureAwait(false))
            {
                return new CursorBatch(batch, Exhausted: false);
            }
        }
    }

    private (List<RawDocument> Batch, bool Dropped) Read(BatchLimits limits)
    {
        var batch = new List<RawDocument>();
        var dropped = _catalog.Read(Namespace, store =>
        {
            if (store is null || !store.IsCapped)
            {
                return true;
            }

            long bytes = 0;
            foreach (var stored in store.InsertionOrder(_lastRecordId))
            {
                if (!_matches(stored.Document))
                {
                    _lastRecordId = stored.RecordId;
                    continue;
                }

                var output = _project(stored.Document);
                if (limits.IsFull(batch.Count, bytes, output.Length))
                {
                    break;
                }

                batch.Add(output);
                bytes += output.Length;
                _lastRecordId = stored.RecordId;
            }

            return false;
        });
        return (batch, dropped);
    }
}
