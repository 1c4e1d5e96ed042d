using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// Iterates the batches of a command cursor (find, aggregate, listCollections, listIndexes) with getMore,
/// raw. Batches point into the reply's bytes; a batch stays valid as long as its caller keeps it.
/// </summary>
public sealed class RawCursor
{
    private readonly RawCommandRunner _runner;
    private readonly int? _batchSize;
    private readonly bool _pooled;
    private (RawDocument Reply, PooledReply? Owner)? _firstReply;
    private long _cursorId = -1;
    private string _collection = string.Empty;

    private RawCursor(RawCommandRunner runner, RawDocument firstReply, PooledReply? owner, int? batchSize)
    {
        _runner = runner;
        _firstReply = (firstReply, owner);
        _batchSize = batchSize;
        _pooled = owner is not null;
    }

    /// <summary>Runs the command that opens the cursor.</summary>
    public static async Task<RawCursor> OpenAsync(RawCommandRunner runner, RawDocument command, int? getMoreBatchSize, CancellationToken cancellationToken)
    {
        var reply = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        return new RawCursor(runner, reply, null, getMoreBatchSize);
    }

    /// <summary>
    /// Opens a cursor whose every reply is read into a pooled buffer: each <see cref="RawBatch"/> from
    /// <see cref="NextRawBatchAsync"/> owns one, and returns it when disposed. For bulk reads.
    /// </summary>
    public static async Task<RawCursor> OpenPooledAsync(RawCommandRunner runner, RawDocument command, int? getMoreBatchSize, CancellationToken cancellationToken)
    {
        var reply = await runner.RunPooledAsync(command, cancellationToken).ConfigureAwait(false);
        return new RawCursor(runner, reply.Document, reply, getMoreBatchSize);
    }

    /// <summary>The next batch of documents, or null when the cursor is exhausted.</summary>
    public async Task<List<RawDocument>?> NextBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await NextReplyAsync(cancellationToken).ConfigureAwait(false);
        return batch?.Documents;
    }

    /// <summary>The next batch with the reply it points into (disposing it returns a pooled reply), or null when the cursor is exhausted.</summary>
    public async Task<RawBatch?> NextRawBatchAsync(CancellationToken cancellationToken)
    {
        var batch = await NextReplyAsync(cancellationToken).ConfigureAwait(false);
        return batch is { } b ? new RawBatch(b.Documents, b.Owner) : null;
    }

    private async Task<(List<RawDocument> Documents, PooledReply? Owner)?> NextReplyAsync(CancellationToken cancellationToken)
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
            var getMore = new BsonBuilder(128).StartDocument().Int64("getMore", _cursorId).String("collection", _collection);
            if (_batchSize is { } size)
            {
                getMore.Int32("batchSize", size);
            }

            if (_pooled)
            {
                owner = await _runner.RunPooledAsync(getMore.End().ToDocument(), cancellationToken).ConfigureAwait(false);
                reply = owner.Document;
            }
            else
            {
                reply = await _runner.RunAsync(getMore.End().ToDocument(), cancellationToken).ConfigureAwait(false);
            }
        }

        try
        {
            return (Parse(reply), owner);
        }
        catch
        {
            owner?.Dispose();
            throw;
        }
    }

    private List<RawDocument> Parse(RawDocument reply)
    {
        var cursor = reply["cursor"].AsDocument;
        _cursorId = cursor["id"].TryGetInt64(out var id) ? id : 0;
        if (_cursorId != 0)
        {
            var ns = cursor["ns"].AsString;
            _collection = ns[(ns.IndexOf('.', StringComparison.Ordinal) + 1)..];
        }

        var batch = cursor.TryGetValue("firstBatch", out var firstBatch) ? firstBatch : cursor["nextBatch"];
        var documents = new List<RawDocument>();
        foreach (var element in batch.AsDocument)
        {
            documents.Add(element.Value.AsDocument);
        }

        return documents;
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

    /// <summary>Closes the server cursor early (best effort).</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_cursorId is 0 or -1)
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
        catch (MongoDB.Driver.MongoException)
        {
            // The cursor times out on the server anyway.
        }
    }
}
