using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>killCursors: closes cursors, reporting which were killed and which were not found.</summary>
internal sealed class KillCursorsCommand : SyncCommandHandler
{
    public override string Name => "killCursors";

    protected override void Execute(CommandContext context)
    {
        // A database or cluster change stream's cursor lives on "<db>.$cmd.aggregate", which is no collection name.
        if (context.CommandValue.Type != BsonTypeCode.String || context.CommandValue.AsString != "$cmd.aggregate")
        {
            context.CollectionNamespace();
        }

        var killed = new List<long>();
        var notFound = new List<long>();
        if (context.TryGet("cursors", out var cursors) && cursors.Type == BsonTypeCode.Array)
        {
            foreach (var element in cursors.AsDocument)
            {
                if (!element.Value.TryGetInt64(out var id))
                {
                    continue;
                }

                (context.Server.Cursors.Kill(id) ? killed : notFound).Add(id);
            }
        }

        Write(context.Reply, "cursorsKilled", killed);
        Write(context.Reply, "cursorsNotFound", notFound);
        Write(context.Reply, "cursorsAlive", []);
        Write(context.Reply, "cursorsUnknown", []);
    }

    private static void Write(BsonBuilder reply, string name, List<long> ids)
    {
        reply.StartArray(name);
        for (var i = 0; i < ids.Count; i++)
        {
            reply.Int64(BsonBuilder.Index(i), ids[i]);
        }

        reply.End();
    }
}
