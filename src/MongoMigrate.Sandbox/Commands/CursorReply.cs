using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Cursors;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>Writes {cursor: {firstBatch|nextBatch, id, ns[, postBatchResumeToken]}} and registers or closes the cursor.</summary>
internal static class CursorReply
{
    /// <summary>Runs the first batch of a new cursor and writes the reply; the cursor stays open only if it has more.</summary>
    public static async ValueTask WriteFirstBatchAsync(CommandContext context, ServerCursor cursor, int? batchSize, CancellationToken cancellationToken)
    {
        var batch = batchSize == 0
            ? cursor.EmptyBatch()
            : await cursor.NextBatchAsync(BatchLimits.FirstBatch(batchSize), cancellationToken).ConfigureAwait(false);
        var id = 0L;
        if (!batch.Exhausted)
        {
            id = context.Server.Cursors.Register(cursor);
        }

        Write(context.Reply, "firstBatch", batch, id, cursor.Namespace);
    }

    /// <summary>Writes a batch under the given field name.</summary>
    public static void Write(BsonBuilder reply, string batchField, CursorBatch batch, long cursorId, Namespace ns)
    {
        reply.StartDocument("cursor").StartArray(batchField);
        var documents = batch.Documents;
        for (var i = 0; i < documents.Count; i++)
        {
            reply.Document(BsonBuilder.Index(i), documents[i]);
        }

        reply.End();
        if (batch.PostBatchResumeToken is { } token)
        {
            reply.Document("postBatchResumeToken", token);
        }

        reply.Int64("id", cursorId).String("ns", ns.FullName).End();
    }

    /// <summary>Writes a single-batch cursor over computed results (no server cursor is left open).</summary>
    public static ValueTask WriteAllAsync(CommandContext context, Namespace ns, IReadOnlyList<RawDocument> results, int? batchSize, CancellationToken cancellationToken) =>
        WriteFirstBatchAsync(context, new ListCursor(ns, results), batchSize, cancellationToken);
}
