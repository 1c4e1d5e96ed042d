namespace MongoMigrate.Sandbox.Commands;

/// <summary>ping: answers ok.</summary>
internal sealed class PingCommand : SyncCommandHandler
{
    public override string Name => "ping";

    protected override void Execute(CommandContext context)
    {
    }
}
