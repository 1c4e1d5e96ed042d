using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>
/// The server cursor of one change stream, raw: getMore waits up to the await time for events and every
/// reply is read for its events, its post-batch resume token and its operationTime.
/// </summary>
internal sealed class ChangeStreamCursor
{
    private readonly RawCommandRunner _runner;
    private readonly int _batchSize;
    private readonly TimeSpan _maxAwait;
    private ChangeStreamBatch? _first;
    private long _cursorId;
    private string _collection = string.Empty;

    private ChangeStreamCursor(RawCommandRunner runner, int batchSize, TimeSpan maxAwait)
    {
        _runner = runner;
        _batchSize = batchSize;
        _maxAwait = maxAwait;
    }

    public static async Task<ChangeStreamCursor> OpenAsync(RawCommandRunner runner, RawDocument command, int batchSize, TimeSpan maxAwait, CancellationToken cancellationToken)
    {
        var cursor = new ChangeStreamCursor(runner, batchSize, maxAwait);
        var reply = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        cursor._first = cursor.Parse(reply);
        return cursor;
    }

    /// <summary>The next batch: the opening one first, then each getMore's (possibly empty after the await time).</summary>
    public async Task<ChangeStreamBatch> NextAsync(CancellationToken cancellationToken)
    {
        if (_first is { } first)
        {
            _first = null;
            return first;
        }

        if (_cursorId == 0)
        {
            throw new InvalidOperationException("The change stream's cursor was closed by the server (invalidated).");
        }

        var getMore = new BsonBuilder(128).StartDocument()
            .Int64("getMore", _cursorId)
            .String("collection", _collection)
            .Int32("batchSize", _batchSize)
            .Int64("maxTimeMS", (long)_maxAwait.TotalMilliseconds)
            .End().ToDocument();
        return Parse(await _runner.RunAsync(getMore, cancellationToken).ConfigureAwait(false));
    }

    public bool IsClosed => _cursorId == 0 && _first is null;

    /// <summary>Kills the server cursor, best effort (it times out on the server anyway).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_cursorId == 0)
        {
            return;
        }

        var kill = new BsonBuilder(128).StartDocument()
            .String("killCursors", _collection)
            .StartArray("cursors").Int64("0", _cursorId).End()
            .End().ToDocument();
        _cursorId = 0;
        try
        {
            await _runner.RunAsync(kill, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is MongoDB.Driver.MongoException or OperationCanceledException or TimeoutException)
        {
            // Nothing to do: the server forgets an idle cursor by itself.
        }
    }

    private ChangeStreamBatch Parse(RawDocument reply)
    {
        var cursor = reply["cursor"].AsDocument;
        _cursorId = cursor["id"].TryGetInt64(out var id) ? id : 0;
        var ns = cursor["ns"].AsString;
        _collection = ns[(ns.IndexOf('.', StringComparison.Ordinal) + 1)..];
        var batch = cursor.TryGetValue("firstBatch", out var firstBatch) ? firstBatch : cursor["nextBatch"];
        var events = new List<RawDocument>();
        foreach (var element in batch.AsDocument)
        {
            events.Add(element.Value.AsDocument);
        }

        RawDocument? postBatch = cursor.TryGetValue("postBatchResumeToken", out var token) && token.Type == BsonTypeCode.Document ? token.AsDocument : null;
        return new ChangeStreamBatch(events, postBatch, SourceClusterTime.Of(reply));
    }
}
