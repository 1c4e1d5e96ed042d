using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>listCollections: name, type, options, info (uuid) and idIndex of each collection, view and time-series collection.</summary>
internal sealed class ListCollectionsCommand : CommandHandler
{
    public override string Name => "listCollections";

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        Namespace.ValidateDatabase(context.Database);
        var nameOnly = context.GetBoolean("nameOnly", false);
        var filter = DocumentFilter.Compile(context.GetDocument("filter"));
        var results = new List<RawDocument>();
        if (context.Database == OplogView.Database && context.Server.IsReplicaSet && OplogInfo(context, nameOnly) is var oplog && filter.Matches(oplog))
        {
            results.Add(oplog);
        }

        foreach (var (store, kind) in context.Server.Catalog.Collections(context.Database))
        {
            var info = Describe(store, kind, nameOnly);
            if (filter.Matches(info))
            {
                results.Add(info);
            }
        }

        var batchSize = context.GetDocument("cursor") is { } cursor && cursor.TryGetValue("batchSize", out var size) && size.TryGetInt64(out var n) ? (int?)n : null;
        await CursorReply.WriteAllAsync(context, new Namespace(context.Database, "$cmd.listCollections"), results, batchSize, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>local.oplog.rs as a replica set member lists it: a capped collection of --oplog-size bytes without an _id index.</summary>
    private static RawDocument OplogInfo(CommandContext context, bool nameOnly)
    {
        var builder = new BsonBuilder().StartDocument().String("name", OplogView.Collection).String("type", "collection");
        if (!nameOnly)
        {
            builder.StartDocument("options").Boolean("capped", true).Int64("size", context.Server.Options.ChangeLogMaxBytes).Boolean("autoIndexId", false).End()
                .StartDocument("info").Boolean("readOnly", false).End();
        }

        return builder.End().ToDocument();
    }

    public static RawDocument Describe(CollectionStore store, CollectionKind kind, bool nameOnly)
    {
        var builder = new BsonBuilder().StartDocument()
            .String("name", store.Namespace.Collection)
            .String("type", kind switch { CollectionKind.View => "view", CollectionKind.TimeSeries => "timeseries", _ => "collection" });
        if (nameOnly)
        {
            return builder.End().ToDocument();
        }

        builder.Document("options", store.Options)
            .StartDocument("info").Boolean("readOnly", kind == CollectionKind.View);
        if (kind != CollectionKind.View)
        {
            builder.Binary("uuid", 4, store.Uuid.ToByteArray(bigEndian: true));
        }

        builder.End();
        if (kind == CollectionKind.Collection)
        {
            builder.StartDocument("idIndex").Int32("v", 2).StartDocument("key").Int32("_id", 1).End().String("name", "_id_").End();
        }

        return builder.End().ToDocument();
    }
}
