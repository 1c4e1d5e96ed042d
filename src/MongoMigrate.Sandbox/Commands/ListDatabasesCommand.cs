using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// listDatabases: every database with its size, in name order, as a 7.0 replica set member lists them: admin, config
/// and local are always there and never empty (local holds the oplog, whose size is the change log's), sizes are int64.
/// </summary>
internal sealed class ListDatabasesCommand : SyncCommandHandler
{
    private static readonly string[] SystemDatabases = ["admin", "config", "local"];

    public override string Name => "listDatabases";

    protected override void Execute(CommandContext context)
    {
        var catalog = context.Server.Catalog;
        var nameOnly = context.GetBoolean("nameOnly", false);
        var filter = context.GetDocument("filter") is { IsEmpty: false } filterDocument ? QueryFilter.Compile(filterDocument) : null;
        var reply = context.Reply.StartArray("databases");
        long total = 0;
        var index = 0;
        foreach (var name in catalog.DatabaseNames().Union(SystemDatabases).Order(StringComparer.Ordinal))
        {
            long size = name == "local" ? context.Server.ChangeLog.RetainedBytes : 0;
            foreach (var (store, _) in catalog.Collections(name))
            {
                size += store.DataSize;
            }

            var entry = new BsonBuilder().StartDocument().String("name", name);
            if (!nameOnly)
            {
                entry.Int64("sizeOnDisk", size).Boolean("empty", size == 0 && !SystemDatabases.Contains(name));
            }

            var database = entry.End().ToDocument();
            if (filter is null || filter.Matches(database))
            {
                total += size;
                reply.Document(BsonBuilder.Index(index++), database);
            }
        }

        reply.End();
        if (!nameOnly)
        {
            reply.Int64("totalSize", total).Int64("totalSizeMb", total / (1024 * 1024));
        }
    }
}
