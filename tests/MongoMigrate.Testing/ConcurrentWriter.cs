using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Testing;

/// <summary>
/// The application writing while a job follows: inserts, $set (nested too), $inc, $push with $slice, $pop,
/// $unset, replaces, deletes and updateMany over a small key space with a few hot keys, from a seed.
/// </summary>
public static class ConcurrentWriter
{
    public static async Task<int> RunAsync(IReadOnlyList<IMongoCollection<BsonDocument>> collections, int operations, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var done = 0;
        for (var i = 0; i < operations; i++)
        {
            var collection = collections[random.Next(collections.Count)];
            var id = random.Next(10) < 3 ? random.Next(3) : random.Next(150);
            var byId = Builders<BsonDocument>.Filter.Eq("_id", id);
            switch (random.Next(10))
            {
                case 0:
                    try
                    {
                        await collection.InsertOneAsync(NewDocument(id, random), cancellationToken: cancellationToken);
                    }
                    catch (MongoWriteException error) when (error.WriteError.Category == ServerErrorCategory.DuplicateKey)
                    {
                        await collection.ReplaceOneAsync(byId, NewDocument(id, random), cancellationToken: cancellationToken);
                    }

                    break;
                case 1:
                    await collection.UpdateOneAsync(byId, Builders<BsonDocument>.Update.Set("s", "v" + random.Next(1000)).Set("nested.x", random.NextDouble() < 0.3 ? -0.0 : random.NextDouble()), cancellationToken: cancellationToken);
                    break;
                case 2:
                    await collection.UpdateOneAsync(byId, Builders<BsonDocument>.Update.Inc("n", random.Next(1, 5)), cancellationToken: cancellationToken);
                    break;
                case 3:
                    await collection.UpdateOneAsync(byId, Builders<BsonDocument>.Update.PushEach("list", [random.Next(100), random.Next(100)], slice: -5), cancellationToken: cancellationToken);
                    break;
                case 4:
                    await collection.UpdateOneAsync(byId, Builders<BsonDocument>.Update.Unset("s").PopFirst("list"), cancellationToken: cancellationToken);
                    break;
                case 5:
                    await collection.ReplaceOneAsync(byId, NewDocument(id, random), new ReplaceOptions { IsUpsert = true }, cancellationToken);
                    break;
                case 6:
                    await collection.DeleteOneAsync(byId, cancellationToken);
                    break;
                case 7:
                    await collection.UpdateManyAsync(Builders<BsonDocument>.Filter.Eq("g", random.Next(4)), Builders<BsonDocument>.Update.Inc("many", 1).Set("at", new BsonDateTime(DateTime.UnixEpoch.AddSeconds(i))), cancellationToken: cancellationToken);
                    break;
                default:
                    await collection.UpdateOneAsync(byId, Builders<BsonDocument>.Update.Set("big", new string('b', random.Next(0, 3000))), cancellationToken: cancellationToken);
                    break;
            }

            done++;
        }

        return done;
    }

    /// <summary>Documents to start from, written before the start time so that the copy finds them.</summary>
    public static async Task SeedAsync(IReadOnlyList<IMongoCollection<BsonDocument>> collections, int count, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        foreach (var collection in collections)
        {
            await collection.InsertManyAsync(Enumerable.Range(0, count).Select(id => NewDocument(id, random)), cancellationToken: cancellationToken);
        }
    }

    private static BsonDocument NewDocument(int id, Random random) => new()
    {
        { "_id", id },
        { "g", random.Next(4) },
        { "n", random.Next(100) },
        { "s", "s" + random.Next(1000) },
        { "nested", new BsonDocument { { "x", random.NextDouble() }, { "y", new BsonArray { 1, "two", BsonNull.Value } } } },
        { "list", new BsonArray(Enumerable.Range(0, random.Next(6)).Select(v => new BsonInt32(v))) },
    };
}
