using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>renameCollection (on admin): moves a collection to a new name, optionally dropping the target.</summary>
internal sealed class RenameCollectionCommand : SyncCommandHandler
{
    public override string Name => "renameCollection";

    protected override void Execute(CommandContext context)
    {
        var source = Parse(context.CommandValue.Type == Bson.BsonTypeCode.String ? context.CommandValue.AsString : string.Empty);
        var target = Parse(context.GetString("to") ?? string.Empty);
        context.Server.Catalog.Rename(source, target, context.GetBoolean("dropTarget", false));
    }

    private static Namespace Parse(string fullName)
    {
        var dot = fullName.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            throw new CommandException(ServerErrorCode.InvalidNamespace, $"Invalid namespace specified '{fullName}'");
        }

        return Namespace.Create(fullName[..dot], fullName[(dot + 1)..]);
    }
}
