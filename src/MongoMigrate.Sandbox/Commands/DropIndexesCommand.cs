using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>dropIndexes: by name, by key pattern, a list of names, or "*" for all but _id.</summary>
internal sealed class DropIndexesCommand : SyncCommandHandler
{
    public override string Name => "dropIndexes";

    public override IReadOnlyList<string> Aliases => ["deleteIndexes"];

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        if (!context.TryGet("index", out var index))
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "BSON field 'dropIndexes.index' is missing but a required field");
        }

        var before = context.Server.Catalog.Read(ns, store =>
        {
            if (store is null)
            {
                throw new CommandException(ServerErrorCode.NamespaceNotFound, $"ns not found {ns.FullName}");
            }

            var count = store.Indexes.Count;
            var names = index.Type switch
            {
                BsonTypeCode.String when index.AsString == "*" => store.Indexes.Where(i => !i.IsIdIndex).Select(i => i.Name).ToList(),
                BsonTypeCode.String => [index.AsString],
                BsonTypeCode.Array => index.AsDocument.Values().Select(v => v.AsString).ToList(),
                BsonTypeCode.Document => [store.Indexes.FirstOrDefault(i => i.KeyPattern.Equals(index.AsDocument))?.Name
                    ?? throw new CommandException(ServerErrorCode.IndexNotFound, $"can't find index with key: {index}")],
                _ => throw context.WrongType("index", index, "string or object"),
            };
            foreach (var name in names)
            {
                store.DropIndex(name);
            }

            return count;
        });
        context.Reply.Int32("nIndexesWas", before);
    }
}
