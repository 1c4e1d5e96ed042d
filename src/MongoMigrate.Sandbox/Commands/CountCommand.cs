using MongoMigrate.Sandbox.Cursors;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>count: documents matching a query (with skip and limit); without a query it is the collection's count, as estimatedDocumentCount uses it.</summary>
internal sealed class CountCommand : CommandHandler
{
    public override string Name => "count";

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        CollationSupport.Check(context.Body);
        var ns = context.CollectionNamespace();
        var query = context.GetDocument("query");
        var skip = Math.Max(0, context.GetInt64("skip") ?? 0);
        var limit = Math.Abs(context.GetInt64("limit") ?? 0);
        if (ViewReads.Documents(context.Server, ns) is { } viewed)
        {
            var matcher = DocumentFilter.Compile(query);
            var matching = viewed.Count(matcher.Matches) - skip;
            context.Reply.Number("n", Math.Max(0, limit > 0 ? Math.Min(matching, limit) : matching));
            return;
        }

        if (query is null or { IsEmpty: true })
        {
            var total = context.Server.Catalog.Read(ns, store => (long)(store?.Count ?? 0));
            var n = Math.Max(0, total - skip);
            context.Reply.Number("n", limit > 0 ? Math.Min(n, limit) : n);
            return;
        }

        var filter = DocumentFilter.Compile(query);
        var cursor = new CollectionScanCursor(context.Server.Catalog, ns, new ScanPlan { Matches = filter.Matches, Skip = skip, Limit = limit }.WithIdBounds(filter));
        long count = 0;
        while (true)
        {
            var batch = await cursor.NextBatchAsync(new BatchLimits(10_000, int.MaxValue, TimeSpan.Zero), cancellationToken).ConfigureAwait(false);
            count += batch.Documents.Count;
            if (batch.Exhausted)
            {
                break;
            }
        }

        context.Reply.Number("n", count);
    }
}
