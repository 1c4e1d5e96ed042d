namespace MongoMigrate.Sandbox.Commands;

/// <summary>listCommands: every command the sandbox answers, each with the fields mongod gives (help, flags), sorted by name.</summary>
internal sealed class ListCommandsCommand : SyncCommandHandler
{
    public override string Name => "listCommands";

    protected override void Execute(CommandContext context)
    {
        var handlers = CommandCatalog.CreateHandlers().OrderBy(h => h.Name, StringComparer.Ordinal);
        context.Reply.StartDocument("commands");
        foreach (var handler in handlers)
        {
            context.Reply.StartDocument(handler.Name)
                .String("help", $"the sandbox's {handler.Name}")
                .Boolean("requiresAuth", false)
                .Boolean("secondaryOk", true)
                .Boolean("adminOnly", handler.Name is "replSetGetStatus" or "getParameter" or "setUserWriteBlockMode" or "getClusterParameter" or "appendOplogNote" or "listDatabases")
                .StartArray("apiVersions").End()
                .StartArray("deprecatedApiVersions").End()
                .End();
        }

        context.Reply.End();
    }
}
