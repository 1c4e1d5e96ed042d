using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Bench.Migration.Data;

/// <summary>Empties the target between contenders and counts what a contender left there.</summary>
public static class TargetState
{
    public static Task ResetAsync(IMongoClient target, CancellationToken cancellationToken) =>
        target.DropDatabaseAsync(DatasetShape.Database, cancellationToken);

    /// <summary>Documents in every collection of the benchmark database, by the count command.</summary>
    public static async Task<long> CountDocumentsAsync(IMongoClient client, CancellationToken cancellationToken)
    {
        var database = client.GetDatabase(DatasetShape.Database);
        long total = 0;
        foreach (var name in await SourceDataset.CollectionNamesAsync(client, cancellationToken).ConfigureAwait(false))
        {
            var reply = await database.RunCommandAsync<BsonDocument>(new BsonDocument("count", name), cancellationToken: cancellationToken).ConfigureAwait(false);
            total += reply["n"].ToInt64();
        }

        return total;
    }
}
