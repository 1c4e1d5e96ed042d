using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>hello / isMaster: the handshake and monitoring reply, as a replica-set primary or a standalone.</summary>
internal sealed class HelloCommand : SyncCommandHandler
{
    public override string Name => "hello";

    public override IReadOnlyList<string> Aliases => ["isMaster", "ismaster"];

    protected override void Execute(CommandContext context)
    {
        var server = context.Server;
        if (context.Body.TryGetValue("client"u8, out var client) && client.Type == BsonTypeCode.Document
            && client.AsDocument.TryGetValue("application"u8, out var app) && app.Type == BsonTypeCode.Document
            && app.AsDocument.TryGetValue("name"u8, out var name) && name.Type == BsonTypeCode.String)
        {
            context.Connection.AppName = name.AsString;
        }

        var reply = context.Reply;
        var legacy = context.CommandName != "hello";
        reply.Boolean(legacy ? "ismaster" : "isWritablePrimary", true);
        if (server.Options.ReplicaSetName is { } setName)
        {
            reply.StartArray("hosts").String("0", server.Address).End()
                .String("setName", setName)
                .Int32("setVersion", 1)
                .Boolean("secondary", false)
                .String("primary", server.Address)
                .String("me", server.Address)
                .ObjectId("electionId", server.ElectionId)
                .StartDocument("lastWrite")
                .StartDocument("opTime").Timestamp("ts", server.Clock.Current).Int64("t", 1).End()
                .DateTime("lastWriteDate", server.Clock.WallTimeMilliseconds)
                .End();
        }

        reply.Int32("maxBsonObjectSize", 16 * 1024 * 1024)
            .Int32("maxMessageSizeBytes", server.Options.MaxMessageSizeBytes)
            .Int32("maxWriteBatchSize", 100_000)
            .DateTime("localTime", server.Clock.WallTimeMilliseconds)
            .Int32("logicalSessionTimeoutMinutes", 30)
            .Int32("connectionId", context.Connection.Id)
            .Int32("minWireVersion", 0)
            .Int32("maxWireVersion", 21)
            .Boolean("readOnly", false);
        if (context.Body.TryGetValue("helloOk"u8, out _))
        {
            reply.Boolean("helloOk", true);
        }
    }
}
