using MongoMigrate.Sandbox.Cursors;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>find: filter, sort, projection, skip, limit, batchSize, singleBatch.</summary>
internal sealed class FindCommand : CommandHandler
{
    public override string Name => "find";

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ns = context.CollectionNamespace();
        var limit = context.GetInt64("limit") ?? 0;
        var singleBatch = context.GetBoolean("singleBatch", false) || limit < 0;
        var batchSize = context.GetInt32("batchSize");
        if (batchSize < 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, "BSON field 'batchSize' value must be >= 0, actual value '" + batchSize + "'");
        }

        var plan = new ScanPlan
        {
            Matches = DocumentFilter.Compile(context.GetDocument("filter")),
            Skip = context.GetInt64("skip") ?? 0,
            Limit = Math.Abs(limit),
        };
        var cursor = new CollectionScanCursor(context.Server.Catalog, ns, plan);
        if (singleBatch)
        {
            var batch = await cursor.NextBatchAsync(BatchLimits.FirstBatch(batchSize ?? (limit != 0 ? (int)Math.Min(Math.Abs(limit), int.MaxValue) : null)), cancellationToken).ConfigureAwait(false);
            CursorReply.Write(context.Reply, "firstBatch", batch, 0, ns);
            return;
        }

        await CursorReply.WriteFirstBatchAsync(context, cursor, batchSize, cancellationToken).ConfigureAwait(false);
    }
}
