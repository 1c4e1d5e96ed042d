using MongoMigrate.Bson;
using MongoMigrate.Sandbox.ChangeStreams;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// aggregate: a pipeline over a collection (or aggregate: 1 over the database). Stages that need the
/// server itself are handled here: $changeStream (a change stream cursor) and $collStats (statistics).
/// </summary>
internal sealed class AggregateCommand : CommandHandler
{
    public override string Name => "aggregate";

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var stages = context.Documents("pipeline");
        if (!context.Body.TryGetValue("cursor", out var cursorOption) && !context.GetBoolean("explain", false))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
        }

        var batchSize = cursorOption.Type == BsonTypeCode.Document && cursorOption.AsDocument.TryGetValue("batchSize", out var size) && size.TryGetInt64(out var n) ? (int?)n : null;
        var isDatabaseLevel = context.CommandValue.IsNumeric;
        var collection = isDatabaseLevel ? null : context.CollectionNamespace().Collection;
        var first = stages.Count > 0 && stages[0].TryGetFirst(out var f) ? f : default;

        if (stages.Count > 0 && first.NameEquals("$changeStream"u8))
        {
            if (first.Type != BsonTypeCode.Document)
            {
                throw new CommandException(ServerErrorCode.FailedToParse, "$changeStream stage expects a document as argument");
            }

            var allChanges = first.Value.AsDocument.TryGetValue("allChangesForCluster", out var all) && all.IsTruthy;
            if (allChanges && context.Database != "admin")
            {
                throw new CommandException(ServerErrorCode.InvalidOptions, "$changeStream may only be opened on the 'admin' database if allChangesForCluster is true");
            }

            var options = ChangeStreamOptions.Parse(first.Value.AsDocument, context.Database, collection, allChanges);
            var pipeline = PipelineRunner.ForEachDocument(stages.Skip(1).ToList());
            var cursor = new ChangeStreamCursor(context.Server, options, pipeline);
            await CursorReply.WriteFirstBatchAsync(context, cursor, batchSize, cancellationToken).ConfigureAwait(false);
            return;
        }

        var ns = isDatabaseLevel ? new Namespace(context.Database, "$cmd.aggregate") : context.CollectionNamespace();
        List<RawDocument> input;
        List<RawDocument> rest;
        if (stages.Count > 0 && first.NameEquals("$collStats"u8))
        {
            input = [CollStats(context, ns, first.Value)];
            rest = stages.Skip(1).ToList();
        }
        else
        {
            // A leading $match is answered with the _id index, like the server's query planner does.
            var filter = QueryFilter.MatchAll;
            rest = stages;
            if (stages.Count > 0 && first.NameEquals("$match"u8) && first.Type == BsonTypeCode.Document)
            {
                filter = QueryFilter.Compile(first.Value.AsDocument);
                rest = stages.Skip(1).ToList();
            }

            var pipeline = PipelineRunner.Compile(rest);
            var computed = isDatabaseLevel
                ? pipeline.Execute([]).ToList()
                : context.Server.Catalog.Read(ns, store => store is null ? pipeline.Execute([]).ToList() : pipeline.Execute(QueryPlanner.Matching(store, filter).Select(s => s.Document)).ToList());
            await CursorReply.WriteAllAsync(context, ns, computed, batchSize, cancellationToken).ConfigureAwait(false);
            return;
        }

        var results = PipelineRunner.Run(rest, input);
        await CursorReply.WriteAllAsync(context, ns, results, batchSize, cancellationToken).ConfigureAwait(false);
    }

    private static RawDocument CollStats(CommandContext context, Namespace ns, RawBsonValue specification)
    {
        var spec = specification.Type == BsonTypeCode.Document ? specification.AsDocument : RawDocument.Empty;
        var builder = new BsonBuilder().StartDocument()
            .String("ns", ns.FullName)
            .String("host", context.Server.Address)
            .DateTime("localTime", context.Server.Clock.WallTimeMilliseconds);
        context.Server.Catalog.Read(ns, store =>
        {
            if (spec.Contains("storageStats"))
            {
                builder.StartDocument("storageStats");
                CollectionStatistics.Write(builder, ns, store);
                builder.End();
            }

            if (spec.Contains("count"))
            {
                builder.Int64("count", store?.Count ?? 0);
            }

            return true;
        });
        return builder.End().ToDocument();
    }
}
