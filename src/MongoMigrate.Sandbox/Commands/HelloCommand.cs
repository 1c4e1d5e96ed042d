using MongoDB.Bson;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// hello / isMaster: the handshake and monitoring reply, as a replica-set primary or a standalone. Every reply carries
/// the server's topologyVersion (its process id, new at each start, and a counter). A hello that sends back the
/// current topologyVersion with maxAwaitTimeMS (the driver's streaming monitor) is held until that time has passed,
/// the topology changes (it never does in the sandbox), the client goes away or the server stops; answered at once,
/// the driver would ask again straight away, tens of thousands of times a second.
/// </summary>
internal sealed class HelloCommand : CommandHandler
{
    private const int NegativeCounter = 31372;
    private const int AwaitWithoutBoth = 31368;
    private const int CounterAhead = 31382;
    private const int NegativeMaxAwait = 31373;

    public override string Name => "hello";

    public override IReadOnlyList<string> Aliases => ["isMaster", "ismaster"];

    public override async ValueTask ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var server = context.Server;
        if (context.Body.TryGetValue("client"u8, out var client) && client.Type == BsonTypeCode.Document
            && client.AsDocument.TryGetValue("application"u8, out var app) && app.Type == BsonTypeCode.Document
            && app.AsDocument.TryGetValue("name"u8, out var name) && name.Type == BsonTypeCode.String)
        {
            context.Connection.AppName = name.AsString;
        }

        if (AwaitRequest(context) is { } wait)
        {
            server.Hellos.CountAwaitable();
            if (wait.ProcessId == server.ProcessId && wait.Counter == server.TopologyCounter)
            {
                await HoldAsync(context, wait.MaxAwait, cancellationToken).ConfigureAwait(false);
            }
        }

        WriteReply(context);
        server.Hellos.CountAnswered();
    }

    /// <summary>The awaitable part of the request (topologyVersion with maxAwaitTimeMS), checked as mongod checks it; null for a plain hello.</summary>
    private static (ObjectId? ProcessId, long Counter, TimeSpan MaxAwait)? AwaitRequest(CommandContext context)
    {
        var topology = context.GetDocument("topologyVersion");
        var maxAwait = context.GetInt64("maxAwaitTimeMS");
        if (topology is null || maxAwait is null)
        {
            if (topology is not null || maxAwait is not null)
            {
                throw new CommandException(
                    AwaitWithoutBoth,
                    topology is not null ? "A request with a 'topologyVersion' must include 'maxAwaitTimeMS'" : "A request with 'maxAwaitTimeMS' must include a 'topologyVersion'");
            }

            return null;
        }

        var counter = topology.Value.TryGetValue("counter"u8, out var c) && c.TryGetInt64(out var n) ? n : 0;
        if (counter < 0)
        {
            throw new CommandException(NegativeCounter, "topologyVersion must have a non-negative counter");
        }

        if (maxAwait < 0)
        {
            throw new CommandException(NegativeMaxAwait, "maxAwaitTimeMS must be a non-negative integer");
        }

        ObjectId? processId = topology.Value.TryGetValue("processId"u8, out var p) && p.Type == BsonTypeCode.ObjectId ? p.AsObjectId : null;
        if (processId == context.Server.ProcessId && counter > context.Server.TopologyCounter)
        {
            throw new CommandException(
                CounterAhead,
                $"Received a topology version with the same process ID and a higher counter than the server's: {counter} > {context.Server.TopologyCounter}");
        }

        return (processId, counter, TimeSpan.FromMilliseconds(maxAwait.Value));
    }

    /// <summary>Waits for the deadline, the client leaving or the server stopping, whichever comes first; nothing polls.</summary>
    private static async Task HoldAsync(CommandContext context, TimeSpan maxAwait, CancellationToken cancellationToken)
    {
        var statistics = context.Server.Hellos;
        statistics.StartHolding();
        var deadlineReached = false;
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var deadline = Task.Delay(maxAwait, context.Server.TimeProvider, hold.Token);
            var gone = context.Connection.ClientGoneAsync(hold.Token);
            var first = await Task.WhenAny(deadline, gone).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            deadlineReached = first == deadline;
            if (!deadlineReached)
            {
                // Nobody is left to read the answer.
                context.Connection.CloseRequested = true;
            }
        }
        finally
        {
            await hold.CancelAsync().ConfigureAwait(false);
            statistics.StopHolding(deadlineReached);
        }
    }

    private static void WriteReply(CommandContext context)
    {
        var server = context.Server;
        var reply = context.Reply;
        var legacy = context.CommandName != "hello";
        reply.StartDocument("topologyVersion").ObjectId("processId", server.ProcessId).Int64("counter", server.TopologyCounter).End();
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
