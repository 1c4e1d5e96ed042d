using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>
/// The server cursor of one change stream: the engine's <see cref="RawCursor"/>, whose getMores wait up to the await
/// time for events, with every reply read for its events, its post-batch resume token and its operationTime.
/// </summary>
internal sealed class ChangeStreamCursor
{
    private readonly RawCursor _cursor;

    private ChangeStreamCursor(RawCursor cursor) => _cursor = cursor;

    public bool IsClosed => _cursor.IsExhausted;

    public static async Task<ChangeStreamCursor> OpenAsync(RawCommandRunner runner, RawDocument command, int batchSize, TimeSpan maxAwait, CancellationToken cancellationToken) =>
        new(await RawCursor.OpenAsync(runner, command, batchSize, cancellationToken, maxAwait).ConfigureAwait(false));

    /// <summary>The next batch: the opening one first, then each getMore's (possibly empty after the await time).</summary>
    public async Task<ChangeStreamBatch> NextAsync(CancellationToken cancellationToken)
    {
        var reply = await _cursor.NextReplyAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The change stream's cursor was closed by the server (invalidated).");
        RawDocument? postBatch = reply.Cursor.TryGetValue("postBatchResumeToken", out var token) && token.Type == BsonTypeCode.Document ? token.AsDocument : null;
        return new ChangeStreamBatch(reply.Documents, postBatch, SourceClusterTime.Of(reply.Reply));
    }

    /// <summary>Kills the server cursor, best effort (it times out on the server anyway).</summary>
    public Task CloseAsync(CancellationToken cancellationToken) => _cursor.CloseAsync(cancellationToken);
}
