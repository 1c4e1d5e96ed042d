using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>dbStats: totals over the collections of a database.</summary>
internal sealed class DbStatsCommand : SyncCommandHandler
{
    public override string Name => "dbStats";

    protected override void Execute(CommandContext context)
    {
        Namespace.ValidateDatabase(context.Database);
        long objects = 0, size = 0, indexes = 0;
        int collections = 0, views = 0;
        foreach (var (store, kind) in context.Server.Catalog.Collections(context.Database))
        {
            if (kind == CollectionKind.View)
            {
                views++;
                continue;
            }

            collections++;
            objects += store.Count;
            size += store.DataSize;
            indexes += store.Indexes.Count;
        }

        context.Reply.String("db", context.Database)
            .Int64("collections", collections)
            .Int64("views", views)
            .Int64("objects", objects)
            .Double("avgObjSize", objects == 0 ? 0 : (double)size / objects)
            .Double("dataSize", size)
            .Double("storageSize", size)
            .Int64("indexes", indexes)
            .Double("indexSize", objects * 32 * indexes)
            .Double("totalSize", size + (objects * 32 * indexes))
            .Int32("scaleFactor", 1);
    }
}
