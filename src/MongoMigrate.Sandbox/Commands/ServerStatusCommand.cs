namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// serverStatus: the sections monitoring tools and mongosh read from a 7.0 mongod: host, version, process, pid,
/// uptime (seconds as a double, uptimeMillis and uptimeEstimate as int64), localTime, connections, opcounters, mem (MB),
/// storageEngine, and repl on a replica set member. Sections a real server adds (wiredTiger, metrics...) are left out.
/// </summary>
internal sealed class ServerStatusCommand : SyncCommandHandler
{
    public override string Name => "serverStatus";

    public override IReadOnlyList<string> Aliases => ["serverstatus"];

    protected override void Execute(CommandContext context)
    {
        var server = context.Server;
        var uptime = server.TimeProvider.GetUtcNow() - server.StartedAt;
        var residentMb = (int)(Environment.WorkingSet / (1024 * 1024));
        var reply = context.Reply;
        reply.String("host", server.Address)
            .String("version", BuildInfoCommand.Version)
            .String("process", "mongod")
            .Int64("pid", Environment.ProcessId)
            .Double("uptime", Math.Floor(uptime.TotalSeconds))
            .Int64("uptimeMillis", (long)uptime.TotalMilliseconds)
            .Int64("uptimeEstimate", (long)uptime.TotalSeconds)
            .DateTime("localTime", server.Clock.WallTimeMilliseconds);
        reply.StartDocument("asserts").Int32("regular", 0).Int32("warning", 0).Int32("msg", 0).Int32("user", 0).Int32("rollovers", 0).End();
        reply.StartDocument("connections")
            .Int32("current", server.Statistics.CurrentConnections)
            .Int32("available", Math.Max(0, server.Options.MaxConnections - server.Statistics.CurrentConnections))
            .Int64("totalCreated", server.Statistics.TotalCreated)
            .Int32("active", 1)
            .End();
        server.Statistics.WriteOpcounters(reply);
        reply.StartDocument("mem").Int32("bits", 64).Int32("resident", residentMb).Int32("virtual", residentMb).Boolean("supported", true).End();
        reply.StartDocument("storageEngine")
            .String("name", "inMemory")
            .Boolean("supportsCommittedReads", true)
            .Boolean("oldestRequiredTimestampForCrashRecovery", false)
            .Boolean("supportsPendingDrops", true)
            .Boolean("dropPendingIdents", false)
            .Boolean("supportsSnapshotReadConcern", true)
            .Boolean("readOnly", false)
            .Boolean("persistent", false)
            .Boolean("backupCursorOpen", false)
            .End();
        if (server.Options.ReplicaSetName is { } setName)
        {
            reply.StartDocument("repl")
                .StartDocument("topologyVersion").ObjectId("processId", server.ProcessId).Int64("counter", server.TopologyCounter).End()
                .StartArray("hosts").String("0", server.Address).End()
                .String("setName", setName)
                .Int32("setVersion", 1)
                .Boolean("isWritablePrimary", true)
                .Boolean("secondary", false)
                .String("primary", server.Address)
                .String("me", server.Address)
                .ObjectId("electionId", server.ElectionId)
                .StartDocument("lastWrite")
                .StartDocument("opTime").Timestamp("ts", server.Clock.Current).Int64("t", 1).End()
                .DateTime("lastWriteDate", server.Clock.WallTimeMilliseconds)
                .End()
                .Int32("rbid", 1)
                .End();
        }
    }
}
