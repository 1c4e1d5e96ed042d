using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>Reads the source's current cluster time from a reply of the source itself, never from this machine's clock.</summary>
public static class SourceClusterTime
{
    /// <summary>
    /// The operationTime of a ping on the source (or its $clusterTime when the reply has no operationTime).
    /// A change stream started at this time sees every write that a later read may miss, so it is taken,
    /// and recorded, before the copy reads anything.
    /// </summary>
    /// <exception cref="MigrationException">The source is not a replica set or sharded cluster: it gives no cluster time and has no change streams.</exception>
    public static async Task<ulong> ReadAsync(IMongoClient source, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(source.GetDatabase("admin"));
        var reply = await runner.RunAsync(PingCommand.Build(), cancellationToken).ConfigureAwait(false);
        return Of(reply) ?? throw new MigrationException(
            "The source gives no cluster time: it is a standalone server, which has no change streams. Online migration needs a replica set or a sharded cluster as the source (a one-member replica set will do).");
    }

    /// <summary>The operationTime, else $clusterTime.clusterTime, of a command reply; null when it has neither.</summary>
    public static ulong? Of(RawDocument reply)
    {
        if (reply.TryGetValue("operationTime", out var operationTime) && operationTime.Type == BsonTypeCode.Timestamp)
        {
            return operationTime.AsTimestamp;
        }

        if (reply.TryGetValue("$clusterTime", out var clusterTime) && clusterTime.Type == BsonTypeCode.Document
            && clusterTime.AsDocument.TryGetValue("clusterTime", out var time) && time.Type == BsonTypeCode.Timestamp)
        {
            return time.AsTimestamp;
        }

        return null;
    }
}
