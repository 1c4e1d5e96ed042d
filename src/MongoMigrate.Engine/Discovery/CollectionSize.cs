using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Discovery;

/// <summary>
/// Document count and data size from collection metadata, never by counting: counting a large collection
/// is what made older tools time out before copying anything.
/// </summary>
public static class CollectionSize
{
    public static async Task<(long Count, long Bytes)> EstimateAsync(RawCommandRunner runner, NamespaceName ns, CancellationToken cancellationToken)
    {
        try
        {
            var cursor = await RawCursor.OpenAsync(runner, StorageStatsCommand.Build(ns.Collection), null, cancellationToken).ConfigureAwait(false);
            var results = await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
            if (results.Count > 0 && results[0].TryGetValue("storageStats", out var stats) && stats.Type == BsonTypeCode.Document)
            {
                // Sharded collections report one result per shard.
                long count = 0, bytes = 0;
                foreach (var result in results)
                {
                    var s = result["storageStats"].AsDocument;
                    count += s.TryGetValue("count", out var c) && c.TryGetInt64(out var n) ? n : 0;
                    bytes += s.TryGetValue("size", out var z) && z.TryGetInt64(out var b) ? b : (long)(z.IsNumeric ? z.ToDouble() : 0);
                }

                return (count, bytes);
            }
        }
        catch (MongoCommandException)
        {
            // $collStats may be refused (older servers, restricted users); fall back to count.
        }

        var reply = await runner.RunAsync(CountCommand.Build(ns.Collection), cancellationToken).ConfigureAwait(false);
        var total = Math.Max(0, CountCommand.Result(reply));
        return (total, total * 1024);
    }
}
