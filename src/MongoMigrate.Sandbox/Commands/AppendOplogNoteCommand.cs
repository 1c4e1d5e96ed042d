using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// appendOplogNote {data: {...}} on admin: writes a no-op entry to the change log, which moves the
/// cluster time (and idle change streams' resume tokens) on, as tools use it on a replica set.
/// </summary>
internal sealed class AppendOplogNoteCommand : SyncCommandHandler
{
    public override string Name => "appendOplogNote";

    protected override void Execute(CommandContext context)
    {
        AdminOnly.Require(context);
        if (!context.Server.IsReplicaSet)
        {
            throw new CommandException(ServerErrorCode.NoReplicationEnabled, "Must have replication set up to run \"appendOplogNote\"");
        }

        if (!context.TryGet("data", out var data))
        {
            throw new CommandException(ServerErrorCode.NoSuchKey, "Missing expected field \"data\"");
        }

        if (data.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, $"\"data\" had the wrong type. Expected object, found {BsonTypeNames.Of(data.Type)}");
        }

        context.Server.ChangeLog.AppendNote(data.AsDocument);
    }
}
