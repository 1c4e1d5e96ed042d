namespace MongoMigrate.Sandbox.Commands;

/// <summary>connectionStatus: who the connection is authenticated as; the sandbox has no users, so nobody, as an unauthenticated mongod answers.</summary>
internal sealed class ConnectionStatusCommand : SyncCommandHandler
{
    public override string Name => "connectionStatus";

    protected override void Execute(CommandContext context)
    {
        context.Reply.StartDocument("authInfo").StartArray("authenticatedUsers").End().StartArray("authenticatedUserRoles").End();
        if (context.GetBoolean("showPrivileges", false))
        {
            context.Reply.StartArray("authenticatedUserPrivileges").End();
        }

        context.Reply.End();
    }
}
