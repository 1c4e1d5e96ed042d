using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// The one raw cursor of the engine: iterates the replies of a command cursor (find, aggregate, listCollections,
/// listIndexes, a change stream) with getMore, and kills it with killCursors. Batches point into the reply's bytes;
/// a batch stays valid as long as its caller keeps it.
/// </summary>
public sealed class RawCursor
{
    private readonly RawCommandRunner _runner;
    private readonly int? _batchSize;
    private readonly TimeSpan? _maxAwait;
    private readonly bool _pooled;
    private (RawDocument Reply, PooledReply? Owner)? _firstReply;
    private long _cursorId = -1;
    private string _collection = string.Empty;

    private RawCursor(RawCommandRunner runner, RawDocument firstReply, PooledReply? owner, int? batchSize, TimeSpan? maxAwait)
    {
        _runner = runner;
        _firstReply = (firstReply, owner);
        _batchSize = batchSize;
        _maxAwait = maxAwait;
        _pooled = owner is not null;
    }

    /// <summary>True once the server closed the cursor and every reply was read.</summary>
    public bool IsExhausted => _firstReply is null && _cursorId == 0;

    /// <summary>Runs the command that opens the cursor; <paramref name="maxAwait"/> is each getMore's wait on a tailable (change stream) cursor.</summary>
    public static async Task<RawCursor> OpenAsync(RawCommandRunner runner, RawDocument command, int? getMoreBatchSize, CancellationToken cancellationToken, TimeSpan? maxAwait = null)
    {
        var reply = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return new RawCursor(runner, reply, null, getMoreBatchSize, maxAwait);
    }

    /// <summary>
    /// Opens a cursor whose every reply is read into a pooled buffer: each <see cref="RawBatch"/> from
    /// <see cref="NextRawBatchAsync"/> owns one, and returns it when disposed. For bulk reads.
    /// </summary>
    public static async Task<RawCursor> OpenPooledAsync(RawCommandRunner runner, RawDocument command, int? getMoreBatchSize, CancellationToken cancellationToken)
    {
        var reply = await runner.RunPooledAsync(command, cancellationToken).ConfigureAwait(false);
        return new RawCursor(runner, reply.Document, reply, getMoreBatchSize, maxAwait: null);
    }

    /// <summary>The next batch of documents, or null when the cursor is exhausted.</summary>
    public async Task<List<RawDocument>?> NextBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await NextAsync(cancellationToken).ConfigureAwait(false);
        return batch?.Reply.Documents;
    }

    /// <summary>The next batch with the reply it points into (disposing it returns a pooled reply), or null when the cursor is exhausted.</summary>
    public async Task<RawBatch?> NextRawBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await NextAsync(cancellationToken).ConfigureAwait(false);
        return batch is { } b ? new RawBatch(b.Reply.Documents, b.Owner) : null;
    }

    /// <summary>The next reply whole (for what a caller reads beside the documents), or null when the cursor is exhausted.</summary>
    public async Task<CursorReply?> NextReplyAsync(CancellationToken cancellationToken)
    {
        var batch = await NextAsync(cancellationToken).ConfigureAwait(false);
        return batch?.Reply;
    }

    private async Task<(CursorReply Reply, PooledReply? Owner)?> NextAsync(CancellationToken cancellationToken)
    {
        RawDocument reply;
        PooledReply? owner = null;
        if (_firstReply is { } first)
        {
            (reply, owner) = first;
            _firstReply = null;
        }
        else if (_cursorId == 0)
        {
            return null;
        }
        else
        {
            var getMore = GetMoreCommand.Build(_cursorId, _collection, _batchSize, _maxAwait);
            if (_pooled)
            {
                owner = await _runner.RunPooledAsync(getMore, cancellationToken).ConfigureAwait(false);
                reply = owner.Document;
            }
            else
            {
                reply = await _runner.RunAsync(getMore, cancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            var parsed = CursorReply.Parse(reply);
            _cursorId = parsed.CursorId;
            if (parsed.CursorId != 0)
            {
                _collection = parsed.Collection;
            }

            return (parsed, owner);
        }
        catch
        {
            owner?.Dispose();
            throw;
        }
    }

    /// <summary>Reads every remaining document (for small metadata results).</summary>
    public async Task<List<RawDocument>> ToListAsync(CancellationToken cancellationToken)
    {
        var all = new List<RawDocument>();
        while (await NextBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            all.AddRange(batch);
        }

        return all;
    }

    /// <summary>Closes the server cursor early, best effort: the server forgets an idle cursor by itself anyway.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_firstReply is { } first)
        {
            // Closed before its first reply was read: that reply still names the cursor.
            _firstReply = null;
            var parsed = CursorReply.Parse(first.Reply);
            (_cursorId, _collection) = (parsed.CursorId, parsed.Collection);
            first.Owner?.Dispose();
        }

        if (_cursorId is 0 or -1)
        {
            return;
        }

        var kill = KillCursorsCommand.Build(_collection, _cursorId);
        _cursorId = 0;
        try
        {
            await _runner.RunAsync(kill, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is MongoDB.Driver.MongoException or OperationCanceledException or TimeoutException)
        {
            // Nothing to do: the cursor times out on the server.
        }
    }
}
