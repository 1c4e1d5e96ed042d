using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// replSetGetStatus on admin, as the one member of a 7.0 replica set answers it: set, date, myState (1, PRIMARY),
/// term, the optimes (last committed, majority, applied, durable: all the newest write, the node being its own
/// majority) and one member, itself. A standalone sandbox answers NoReplicationEnabled (76), as mongod does.
/// </summary>
internal sealed class ReplSetGetStatusCommand : SyncCommandHandler
{
    public override string Name => "replSetGetStatus";

    protected override void Execute(CommandContext context)
    {
        AdminOnly.Require(context);
        var server = context.Server;
        if (server.Options.ReplicaSetName is not { } setName)
        {
            throw new CommandException(ServerErrorCode.NoReplicationEnabled, "not running with --replSet");
        }

        var now = server.Clock.WallTimeMilliseconds;
        var lastWrite = server.Clock.Current;
        var lastWriteWall = (long)(lastWrite >> 32) * 1000;
        var started = server.StartedAt.ToUnixTimeMilliseconds();
        var reply = context.Reply;
        reply.String("set", setName)
            .DateTime("date", now)
            .Int32("myState", 1)
            .Int64("term", 1)
            .String("syncSourceHost", string.Empty)
            .Int32("syncSourceId", -1)
            .Int64("heartbeatIntervalMillis", 2000)
            .Int32("majorityVoteCount", 1)
            .Int32("writeMajorityCount", 1)
            .Int32("votingMembersCount", 1)
            .Int32("writableVotingMembersCount", 1);
        reply.StartDocument("optimes");
        foreach (var name in new[] { "lastCommittedOpTime", "readConcernMajorityOpTime", "appliedOpTime", "durableOpTime" })
        {
            OpTime(reply, name, lastWrite);
        }

        reply.DateTime("lastAppliedWallTime", lastWriteWall).DateTime("lastDurableWallTime", lastWriteWall).End();
        reply.StartArray("members").StartDocument("0")
            .Int32("_id", 0)
            .String("name", server.Address)
            .Double("health", 1)
            .Int32("state", 1)
            .String("stateStr", "PRIMARY")
            .Int32("uptime", (int)((now - started) / 1000));
        OpTime(reply, "optime", lastWrite);
        reply.DateTime("optimeDate", lastWriteWall)
            .DateTime("lastAppliedWallTime", lastWriteWall)
            .DateTime("lastDurableWallTime", lastWriteWall)
            .String("syncSourceHost", string.Empty)
            .Int32("syncSourceId", -1)
            .String("infoMessage", string.Empty)
            .Timestamp("electionTime", (ulong)(started / 1000) << 32 | 1)
            .DateTime("electionDate", started)
            .Int32("configVersion", 1)
            .Int32("configTerm", 1)
            .Boolean("self", true)
            .String("lastHeartbeatMessage", string.Empty)
            .End().End();
    }

    private static void OpTime(BsonBuilder reply, string name, ulong timestamp) =>
        reply.StartDocument(name).Timestamp("ts", timestamp).Int64("t", 1).End();
}
