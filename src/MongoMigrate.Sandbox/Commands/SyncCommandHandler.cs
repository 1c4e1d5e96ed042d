namespace MongoMigrate.Sandbox.Commands;

/// <summary>A command that completes synchronously (most do: the data is in memory).</summary>
internal abstract class SyncCommandHandler : CommandHandler
{
    public sealed override ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        Execute(context);
        return ValueTask.CompletedTask;
    }

    protected abstract void Execute(CommandContext context);
}
