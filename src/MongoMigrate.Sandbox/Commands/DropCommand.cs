namespace MongoMigrate.Sandbox.Commands;

/// <summary>drop: removes a collection; NamespaceNotFound (26) when it does not exist, which drivers tolerate.</summary>
internal sealed class DropCommand : SyncCommandHandler
{
    public override string Name => "drop";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var store = context.Server.Catalog.Find(ns);
        var indexes = store?.Indexes.Count ?? 0;
        if (!context.Server.Catalog.Drop(ns))
        {
            throw new CommandException(ServerErrorCode.NamespaceNotFound, "ns not found");
        }

        context.Reply.Int32("nIndexesWas", indexes).String("ns", ns.FullName);
    }
}
