namespace MongoMigrate.Sandbox.Commands;

/// <summary>listIndexes: the index specifications of a collection; NamespaceNotFound (26) if it does not exist.</summary>
internal sealed class ListIndexesCommand : CommandHandler
{
    public override string Name => "listIndexes";

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ns = context.CollectionNamespace();
        var specs = context.Server.Catalog.Read(ns, store =>
            store is null
                ? throw new CommandException(ServerErrorCode.NamespaceNotFound, $"ns does not exist: {ns.FullName}")
                : store.Indexes.Select(i => i.Specification).ToList());
        var batchSize = context.GetDocument("cursor") is { } cursor && cursor.TryGetValue("batchSize", out var size) && size.TryGetInt64(out var n) ? (int?)n : null;
        await CursorReply.WriteAllAsync(context, ns, specs, batchSize, cancellationToken).ConfigureAwait(false);
    }
}
