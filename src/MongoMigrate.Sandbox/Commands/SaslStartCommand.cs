namespace MongoMigrate.Sandbox.Commands;

/// <summary>Authentication: the sandbox has no users, so every attempt fails as a wrong password would.</summary>
internal sealed class SaslStartCommand : SyncCommandHandler
{
    public override string Name => "saslStart";

    public override IReadOnlyList<string> Aliases => ["saslContinue", "authenticate"];

    protected override void Execute(CommandContext context) =>
        throw new CommandException(ServerErrorCode.AuthenticationFailed, "Authentication failed.");
}
