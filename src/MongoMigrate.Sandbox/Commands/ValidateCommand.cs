namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// validate: checks one collection. Documents live in memory as the exact bytes the sandbox parsed on insert and
/// its indexes are rebuilt from them, so the answer is always valid; it carries mongod 7.0's fields (nrecords,
/// nIndexes, keysPerIndex, indexDetails, valid, warnings, errors...). A missing collection is NamespaceNotFound (26).
/// </summary>
internal sealed class ValidateCommand : SyncCommandHandler
{
    public override string Name => "validate";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var reply = context.Reply;
        var found = context.Server.Catalog.Read(ns, store =>
        {
            if (store is null)
            {
                return false;
            }

            reply.String("ns", ns.FullName)
                .Int32("nInvalidDocuments", 0)
                .Int32("nNonCompliantDocuments", 0)
                .Int32("nrecords", store.Count)
                .Int32("nIndexes", store.Indexes.Count);
            reply.StartDocument("keysPerIndex");
            foreach (var index in store.Indexes)
            {
                reply.Int32(index.Name, store.Count);
            }

            reply.End().StartDocument("indexDetails");
            foreach (var index in store.Indexes)
            {
                reply.StartDocument(index.Name).Boolean("valid", true).End();
            }

            reply.End();
            return true;
        });
        if (!found)
        {
            throw new CommandException(ServerErrorCode.NamespaceNotFound, $"Collection '{ns.FullName}' does not exist to validate.");
        }

        reply.Boolean("valid", true)
            .Boolean("repaired", false)
            .StartArray("warnings").End()
            .StartArray("errors").End()
            .StartArray("extraIndexEntries").End()
            .StartArray("missingIndexEntries").End()
            .StartArray("corruptRecords").End();
    }
}
