using MongoMigrate.Bson;
using MongoMigrate.Sandbox.ChangeStreams;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// aggregate: a pipeline over a collection (or aggregate: 1 over the database). Stages that need the
/// server itself are handled here: $changeStream (a change stream cursor), $collStats (statistics), and $out and
/// $merge as the last stage (writes into another collection).
/// </summary>
internal sealed class AggregateCommand : CommandHandler
{
    public override string Name => "aggregate";

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        CollationSupport.Check(context.Body);
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

            try
            {
                await OpenChangeStreamAsync(context, first.Value.AsDocument, collection, stages, batchSize, cancellationToken).ConfigureAwait(false);
            }
            catch (CommandException e)
            {
                throw ChangeStreamErrorLabels.Apply(e);
            }

            return;
        }

        if (stages.Any(s => s.TryGetFirst(out var name) && name.NameEquals("$changeStream"u8)))
        {
            throw new CommandException(40602, "$changeStream is only valid as the first stage in a pipeline.");
        }

        var ns = isDatabaseLevel ? new Namespace(context.Database, "$cmd.aggregate") : context.CollectionNamespace();
        Namespace? output = null;
        MergeOutput? merge = null;
        if (stages.Count > 0 && stages[^1].TryGetFirst(out var last) && (last.NameEquals("$out"u8) || last.NameEquals("$merge"u8)))
        {
            if (last.NameEquals("$out"u8))
            {
                output = OutputNamespace(context.Database, last.Value);
            }
            else
            {
                merge = MergeOutput.Parse(context.Database, last.Value);
            }

            stages = stages.Take(stages.Count - 1).ToList();
            first = stages.Count > 0 && stages[0].TryGetFirst(out var f2) ? f2 : default;
        }

        if (!isDatabaseLevel && ViewReads.Documents(context.Server, ns, stages) is { } viewed)
        {
            await CursorReply.WriteAllAsync(context, ns, viewed, batchSize, cancellationToken).ConfigureAwait(false);
            return;
        }

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

            // The input is taken under the collection's lock and the pipeline runs after it, so a $lookup or
            // $unionWith reading another collection never holds two collections' locks at once.
            var pipeline = PipelineRunner.Compile(rest, PipelineRunner.OptionsFor(context.Server, context.Database));
            var source = isDatabaseLevel
                ? []
                : context.Server.Catalog.Read(ns, store => store is null ? [] : QueryPlanner.Matching(store, filter).Select(s => s.Document).ToList());
            var computed = pipeline.Execute(source).ToList();
            if (output is { } destination)
            {
                WriteOut(context, destination, computed);
                computed = [];
            }
            else if (merge is not null)
            {
                merge.Write(context, computed, context.GetBoolean("bypassDocumentValidation", false));
                computed = [];
            }

            await CursorReply.WriteAllAsync(context, ns, computed, batchSize, cancellationToken).ConfigureAwait(false);
            return;
        }

        var results = PipelineRunner.Run(rest, input);
        await CursorReply.WriteAllAsync(context, ns, results, batchSize, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask OpenChangeStreamAsync(CommandContext context, RawDocument stage, string? collection, List<RawDocument> stages, int? batchSize, CancellationToken cancellationToken)
    {
        if (!context.Server.IsReplicaSet)
        {
            throw new CommandException(ServerErrorCode.ChangeStreamRequiresReplicaSet, "The $changeStream stage is only supported on replica sets");
        }

        var allChanges = stage.TryGetValue("allChangesForCluster", out var all) && all.IsTruthy;
        if (allChanges && context.Database != "admin")
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "$changeStream may only be opened on the 'admin' database if allChangesForCluster is true");
        }

        RequireWatchable(context, collection, allChanges);

        var options = ChangeStreamOptions.Parse(stage, context.Database, collection, allChanges);
        var rest = stages.Skip(1).ToList();
        if (rest.Any(s => s.TryGetFirst(out var name) && name.NameEquals("$changeStream"u8)))
        {
            throw new CommandException(40602, "$changeStream is only valid as the first stage in a pipeline.");
        }

        var split = rest.FindIndex(s => s.TryGetFirst(out var name) && name.NameEquals("$changeStreamSplitLargeEvent"u8));
        if (split >= 0)
        {
            if (split != rest.Count - 1)
            {
                throw new CommandException(7182802, "$changeStreamSplitLargeEvent must be the last stage in the pipeline.");
            }

            rest.RemoveAt(split);
            options = options with { SplitLargeEvents = true };
        }

        var pipeline = PipelineRunner.ForEachDocument(rest);
        var cursor = new ChangeStreamCursor(
            context.Server.ChangeLog, context.Server.Clock, context.Server.Catalog, context.Server.TimeProvider, options, pipeline);
        await CursorReply.WriteFirstBatchAsync(context, cursor, batchSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What mongod refuses to watch: internal databases and collections (InvalidNamespace) and views (CommandNotSupportedOnView).</summary>
    private static void RequireWatchable(CommandContext context, string? collection, bool allChanges)
    {
        if (!allChanges && context.Database is "admin" or "config" or "local")
        {
            throw new CommandException(ServerErrorCode.InvalidNamespace, $"$changeStream may not be opened on the internal {context.Database} database");
        }

        if (collection is null)
        {
            return;
        }

        if (collection.StartsWith("system.", StringComparison.Ordinal))
        {
            throw new CommandException(ServerErrorCode.InvalidNamespace, $"$changeStream may not be opened on the internal {context.Database}.{collection} collection");
        }

        var ns = new Namespace(context.Database, collection);
        if (context.Server.Catalog.Find(ns) is { } store && context.Server.Catalog.KindOf(store) == CollectionKind.View)
        {
            throw new CommandException(ServerErrorCode.CommandNotSupportedOnView, $"Namespace {ns.FullName} is a view, not a collection");
        }
    }

    /// <summary>$out: the results replace the output collection's documents (its indexes stay).</summary>
    private static void WriteOut(CommandContext context, Namespace destination, List<RawDocument> results)
    {
        context.Server.Catalog.Write(destination, store =>
        {
            foreach (var existing in store.Range(null, null, descending: false).ToList())
            {
                store.Delete(existing);
            }

            foreach (var document in results)
            {
                store.Insert(new RawDocument(document.Bytes.ToArray()));
            }

            return 0;
        });
    }

    private static Namespace OutputNamespace(string database, RawBsonValue value) => value.Type switch
    {
        BsonTypeCode.String => Namespace.Create(database, value.AsString),
        BsonTypeCode.Document when value.AsDocument.TryGetValue("coll", out var coll) && coll.Type == BsonTypeCode.String =>
            Namespace.Create(value.AsDocument.TryGetValue("db", out var db) && db.Type == BsonTypeCode.String ? db.AsString : database, coll.AsString),
        _ => throw new CommandException(ServerErrorCode.FailedToParse, "$out stage requires a string or an object argument, but found " + BsonTypeNames.Of(value.Type)),
    };

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
                CollectionStatistics.Write(builder, context.Server, ns, store);
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
