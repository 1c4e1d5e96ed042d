namespace MongoMigrate.Sandbox.Commands;

/// <summary>collStats: document count and sizes of one collection (zeros when it does not exist).</summary>
internal sealed class CollStatsCommand : SyncCommandHandler
{
    public override string Name => "collStats";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        context.Server.Catalog.Read(ns, store =>
        {
            CollectionStatistics.Write(context.Reply, context.Server, ns, store);
            return true;
        });
    }
}
