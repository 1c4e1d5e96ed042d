using MongoMigrate.Bson;
using MongoMigrate.Sandbox.ChangeStreams;
using MongoMigrate.Sandbox.Cursors;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>getMore: the next batch of an open cursor; the cursor closes (id 0) when it has no more.</summary>
internal sealed class GetMoreCommand : CommandHandler
{
    public override string Name => "getMore";

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.CommandValue.Type != BsonTypeCode.Int64)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, "BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
        }

        var id = context.CommandValue.AsInt64;
        var collection = context.GetString("collection")
            ?? throw new CommandException(ServerErrorCode.FailedToParse, "BSON field 'getMore.collection' is missing but a required field");
        var ns = new Namespace(context.Database, collection);
        var cursor = context.Server.Cursors.Get(id, ns);
        if (!cursor.TryEnter())
        {
            throw new CommandException(292, $"Cursor already in use (namespace: '{ns.FullName}', id: {id}).");
        }

        CursorBatch batch;
        try
        {
            if (context.Server.Faults.MatchGetMoreAfterCursorCheckout() is { } fault)
            {
                throw new CommandException(fault.ErrorCode, "Failing command via 'failGetMoreAfterCursorCheckout' failpoint") { Labels = fault.ErrorLabels };
            }

            var maxAwait = context.GetInt64("maxTimeMS") is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
            batch = await cursor.NextBatchAsync(BatchLimits.GetMore(context.GetInt32("batchSize"), maxAwait), cancellationToken).ConfigureAwait(false);
        }
        catch (CommandException e) when (cursor is ChangeStreamCursor)
        {
            // A failed getMore kills its cursor; a change stream's error carries the labels that tell the driver whether to resume.
            context.Server.Cursors.Remove(cursor);
            throw ChangeStreamErrorLabels.Apply(e);
        }
        catch
        {
            context.Server.Cursors.Remove(cursor);
            throw;
        }
        finally
        {
            cursor.Exit();
        }

        if (batch.Exhausted)
        {
            context.Server.Cursors.Remove(cursor);
        }

        CursorReply.Write(context.Reply, "nextBatch", batch, batch.Exhausted ? 0 : id, ns);
    }
}
