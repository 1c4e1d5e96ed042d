using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>createIndexes: adds indexes (unique ones are enforced, on existing data too); identical ones are a no-op.</summary>
internal sealed class CreateIndexesCommand : SyncCommandHandler
{
    public override string Name => "createIndexes";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var specs = context.Documents("indexes");
        if (specs.Count == 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, "Must specify at least one index to create");
        }

        var definitions = specs.Select(Parse).ToList();
        var createdCollection = context.Server.Catalog.Find(ns) is null;
        var (before, after) = context.Server.Catalog.Write(ns, store =>
        {
            var count = store.Indexes.Count;
            foreach (var definition in definitions)
            {
                store.AddIndex(definition);
            }

            return (count, store.Indexes.Count);
        });

        context.Reply.Int32("numIndexesBefore", before).Int32("numIndexesAfter", after)
            .Boolean("createdCollectionAutomatically", createdCollection);
        if (before == after)
        {
            context.Reply.String("note", "all indexes already exist");
        }
    }

    /// <summary>Turns a client's index spec into the stored form {v: 2, key, name, ...options}.</summary>
    public static IndexDefinition Parse(RawDocument spec)
    {
        if (!spec.TryGetValue("key", out var key) || key.Type != BsonTypeCode.Document || key.AsDocument.IsEmpty)
        {
            throw new CommandException(ServerErrorCode.CannotCreateIndex, "Index keys cannot be an empty field.");
        }

        foreach (var element in key.AsDocument)
        {
            var valid = element.Value.IsNumeric ? element.Value.IsTruthy : element.Type == BsonTypeCode.String;
            if (!valid)
            {
                throw new CommandException(ServerErrorCode.CannotCreateIndex, $"Values in the index key pattern can only be numbers or strings: {key}");
            }
        }

        if (!spec.TryGetValue("name", out var nameValue) || nameValue.Type != BsonTypeCode.String)
        {
            throw new CommandException(ServerErrorCode.FailedToParse, "The 'name' field is a required property of an index specification");
        }

        var name = nameValue.AsString;
        var unique = spec.TryGetValue("unique", out var u) && u.IsTruthy;
        var sparse = spec.TryGetValue("sparse", out var s) && s.IsTruthy;
        RawDocument? partial = spec.TryGetValue("partialFilterExpression", out var p) && p.Type == BsonTypeCode.Document ? p.AsDocument : null;
        if (name == "_id_")
        {
            return IndexDefinition.IdIndex;
        }

        var (storedKey, options) = SpecialIndexSpec.Normalize(key, spec);
        var stored = new BsonBuilder().StartDocument().Int32("v", 2).Value("key", storedKey).String("name", name);
        foreach (var (option, value) in options)
        {
            stored.Value(option, value);
        }

        return new IndexDefinition(name, storedKey.AsDocument, stored.End().ToDocument(), unique, sparse, partial);
    }
}
