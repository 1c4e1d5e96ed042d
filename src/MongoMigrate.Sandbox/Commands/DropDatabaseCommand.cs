using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>dropDatabase: removes every collection of the database.</summary>
internal sealed class DropDatabaseCommand : SyncCommandHandler
{
    public override string Name => "dropDatabase";

    protected override void Execute(CommandContext context)
    {
        Namespace.ValidateDatabase(context.Database);
        context.Server.Catalog.DropDatabase(context.Database);
        context.Reply.String("dropped", context.Database);
    }
}
