using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// setUserWriteBlockMode {global: true|false} on admin: turns user write blocking on or off, as a migration's
/// cutover does on its source (see UserWriteBlock). Blocking is reported by serverStatus-free means only:
/// the next user write answers UserWritesBlocked (371).
/// </summary>
internal sealed class SetUserWriteBlockModeCommand : SyncCommandHandler
{
    public override string Name => "setUserWriteBlockMode";

    protected override void Execute(CommandContext context)
    {
        AdminOnly.Require(context);
        if (!context.TryGet("global", out var global))
        {
            throw new CommandException(40414, "BSON field 'setUserWriteBlockMode.global' is missing but a required field");
        }

        if (global.Type != BsonTypeCode.Boolean)
        {
            throw context.WrongType("global", global, "bool");
        }

        context.Server.Catalog.WriteBlock.Enabled = global.AsBoolean;
    }
}
