using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// collMod: turns changeStreamPreAndPostImages on or off (what change streams with fullDocument
/// whenAvailable/required and fullDocumentBeforeChange need), and records a modify event as the server
/// does, even for a collMod that changes nothing; index changes are <see cref="CollModIndexChange"/>'s. Options the sandbox does not apply are refused, not ignored.
/// </summary>
internal sealed class CollModCommand : SyncCommandHandler
{
    public override string Name => "collMod";

    protected override void Execute(CommandContext context)
    {
        var ns = context.CollectionNamespace();
        var description = new BsonBuilder().StartDocument();
        var dryRun = false;
        foreach (var element in context.Body)
        {
            if (element.Name == Name || GenericFields.Contains(element.Name))
            {
                continue;
            }

            if (element.Name == "dryRun")
            {
                dryRun = element.Value.IsTruthy;
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
                CollModIndexChange.Check(element);
                description.Element(element);
                continue;
            }

            if (element.Name != "changeStreamPreAndPostImages")
            {
                throw new CommandException(
                    ServerErrorCode.InvalidOptions,
                    $"collMod option '{element.Name}' is not supported by the sandbox; it supports changeStreamPreAndPostImages, validator, validationLevel, validationAction and index (hidden, expireAfterSeconds, prepareUnique, unique).");
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
                CollModIndexChange.Apply(context, store, index.AsDocument, dryRun);
            }
            else if (dryRun)
            {
                throw new CommandException(ServerErrorCode.InvalidOptions, "dryRun: true is only supported with unique: true");
            }

            if (!dryRun)
            {
                store.Modify(operation);
            }

            return true;
        });
        if (!found)
        {
            throw new CommandException(ServerErrorCode.NamespaceNotFound, $"ns does not exist: {ns.FullName}");
        }
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
