namespace MongoMigrate.Sandbox.Commands;

/// <summary>endSessions, killSessions, killAllSessions: sessions hold no server state here, so these just succeed.</summary>
internal sealed class EndSessionsCommand : SyncCommandHandler
{
    public override string Name => "endSessions";

    public override IReadOnlyList<string> Aliases => ["killSessions", "killAllSessions", "refreshSessions", "startSession"];

    protected override void Execute(CommandContext context)
    {
        if (context.CommandName == "startSession")
        {
            context.Reply.StartDocument("id").Binary("id", 4, Guid.NewGuid().ToByteArray(bigEndian: true)).End().Int32("timeoutMinutes", 30);
        }
    }
}
