using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// collMod: turns changeStreamPreAndPostImages on or off (what change streams with fullDocument
/// whenAvailable/required and fullDocumentBeforeChange need), and records a modify event as the server
/// does, even for a collMod that changes nothing. Options the sandbox does not apply are refused, not ignored.
/// </summary>
internal sealed class CollModCommand : SyncCommandHandler
{
    public override string Name => "collMod";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var description = new BsonBuilder().StartDocument();
        foreach (var element in context.Body)
        {
            if (element.Name == Name || GenericFields.Contains(element.Name))
            {
                continue;
            }

            if (element.Name is "validator" or "validationLevel" or "validationAction")
            {
                CheckValidationOption(element);
                description.Element(element);
                continue;
            }

            if (element.Name == "index")
            {
                CheckIndexOption(element);
                description.Element(element);
                continue;
            }

            if (element.Name != "changeStreamPreAndPostImages")
            {
                throw new CommandException(
                    ServerErrorCode.InvalidOptions,
                    $"collMod option '{element.Name}' is not supported by the sandbox; it supports changeStreamPreAndPostImages, validator, validationLevel, validationAction and index.hidden.");
            }

            if (element.Type != BsonTypeCode.Document || !element.Value.AsDocument.TryGetValue("enabled", out var enabled) || enabled.Type != BsonTypeCode.Boolean)
            {
                throw new CommandException(ServerErrorCode.FailedToParse, "BSON field 'collMod.changeStreamPreAndPostImages.enabled' is missing but a required field");
            }

            description.Element(element);
        }

        var operation = description.End().ToDocument();
        var found = context.Server.Catalog.Read(ns, store =>
        {
            if (store is null)
            {
                return false;
            }

            if (context.Server.Catalog.KindOf(store) == CollectionKind.View && !operation.IsEmpty)
            {
                throw new CommandException(ServerErrorCode.InvalidOptions, $"option not supported on a view: {(operation.TryGetFirst(out var first) ? first.Name : "changeStreamPreAndPostImages")}");
            }

            if (operation.TryGetValue("index", out var index))
            {
                HideIndex(context, store, index.AsDocument);
            }

            store.Modify(operation);
            return true;
        });
        if (!found)
        {
            throw new CommandException(ServerErrorCode.NamespaceNotFound, $"ns does not exist: {ns.FullName}");
        }
    }

    /// <summary>{index: {name | keyPattern, hidden: bool}}: the only index change the sandbox makes.</summary>
    private static void CheckIndexOption(RawBsonElement element)
    {
        if (element.Type != BsonTypeCode.Document || !element.Value.AsDocument.TryGetValue("hidden", out var hidden) || hidden.Type != BsonTypeCode.Boolean)
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "collMod 'index' needs a name or keyPattern and hidden: true|false (the sandbox changes no other index option)");
        }

        var index = element.Value.AsDocument;
        if (!index.Contains("name") && !index.Contains("keyPattern"))
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "must specify either index name or key pattern for collMod");
        }
    }

    /// <summary>Hides or unhides one index and answers hidden_old/hidden_new as mongod does; the _id index cannot be hidden.</summary>
    private static void HideIndex(CommandContext context, CollectionStore store, RawDocument index)
    {
        index.TryGetValue("name", out var name);
        index.TryGetValue("keyPattern", out var keyPattern);
        bool Matches(IndexDefinition i) => name.Type == BsonTypeCode.String
            ? i.Name == name.AsString
            : keyPattern.Type == BsonTypeCode.Document && BsonOrder.CompareDocuments(i.KeyPattern, keyPattern.AsDocument) == 0;
        var hidden = index.TryGetValue("hidden", out var h) && h.AsBoolean;
        if (hidden && store.Indexes.Any(i => i.IsIdIndex && Matches(i)))
        {
            throw new CommandException(ServerErrorCode.BadValue, "can't hide _id index");
        }

        var old = store.SetHidden(Matches, hidden)
            ?? throw new CommandException(ServerErrorCode.IndexNotFound, $"cannot find index {(name.Type == BsonTypeCode.String ? name.AsString : BsonDebugText.Format(keyPattern))} for ns {store.Namespace.FullName}");
        context.Reply.Boolean("hidden_old", old).Boolean("hidden_new", hidden);
    }

    /// <summary>The values mongod accepts for the validation options (BadValue / TypeMismatch otherwise).</summary>
    private static void CheckValidationOption(RawBsonElement element)
    {
        switch (element.Name)
        {
            case "validator" when element.Type != BsonTypeCode.Document:
                throw new CommandException(ServerErrorCode.TypeMismatch, $"BSON field 'collMod.validator' is the wrong type '{element.Type}', expected type 'object'");
            case "validationLevel" when element.Type != BsonTypeCode.String || element.Value.AsString is not ("off" or "strict" or "moderate"):
                throw new CommandException(ServerErrorCode.BadValue, $"Enumeration value '{(element.Type == BsonTypeCode.String ? element.Value.AsString : element.Type.ToString())}' for field 'collMod.validationLevel' is not a valid value.");
            case "validationAction" when element.Type != BsonTypeCode.String || element.Value.AsString is not ("error" or "warn"):
                throw new CommandException(ServerErrorCode.BadValue, $"Enumeration value '{(element.Type == BsonTypeCode.String ? element.Value.AsString : element.Type.ToString())}' for field 'collMod.validationAction' is not a valid value.");
        }
    }
}
