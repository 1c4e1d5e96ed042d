namespace MongoMigrate.Sandbox.Commands;

/// <summary>One server command. Handlers write their reply fields into <see cref="CommandContext.Reply"/>.</summary>
internal abstract class CommandHandler
{
    /// <summary>The command name as sent (the first field of the body).</summary>
    public abstract string Name { get; }

    /// <summary>Other names that reach the same handler (isMaster for hello).</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    public abstract ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken);
}
