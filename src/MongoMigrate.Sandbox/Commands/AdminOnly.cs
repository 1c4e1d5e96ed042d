namespace MongoMigrate.Sandbox.Commands;

/// <summary>The check of commands that run only against the admin database, with the server's answer otherwise.</summary>
internal static class AdminOnly
{
    public static void Require(CommandContext context)
    {
        if (context.Database != "admin")
        {
            throw new CommandException(ServerErrorCode.Unauthorized, $"{context.CommandName} may only be run against the admin database.");
        }
    }
}
