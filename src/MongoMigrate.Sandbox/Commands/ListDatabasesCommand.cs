namespace MongoMigrate.Sandbox.Commands;

/// <summary>listDatabases: every database with its size.</summary>
internal sealed class ListDatabasesCommand : SyncCommandHandler
{
    public override string Name => "listDatabases";

    protected override void Execute(CommandContext context)
    {
        var catalog = context.Server.Catalog;
        var nameOnly = context.GetBoolean("nameOnly", false);
        var reply = context.Reply.StartArray("databases");
        long total = 0;
        var index = 0;
        foreach (var name in catalog.DatabaseNames())
        {
            long size = 0;
            foreach (var (store, _) in catalog.Collections(name))
            {
                size += store.DataSize;
            }

            total += size;
            reply.StartDocument(Bson.BsonBuilder.Index(index++)).String("name", name);
            if (!nameOnly)
            {
                reply.Int64("sizeOnDisk", size).Boolean("empty", size == 0);
            }

            reply.End();
        }

        reply.End();
        if (!nameOnly)
        {
            reply.Int64("totalSize", total).Int64("totalSizeMb", total / (1024 * 1024));
        }
    }
}
