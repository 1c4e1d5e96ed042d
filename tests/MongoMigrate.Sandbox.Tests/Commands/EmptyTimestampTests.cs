using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>
/// mongod's empty-timestamp rule (fixDocumentForInsert in src/mongo/db/ops/insert.cpp; jstests/core/empty_ts.js):
/// a top-level Timestamp(0,0) other than _id becomes the current cluster time on insert and whole-document
/// replacement; operator and pipeline updates keep it; bypassEmptyTsReplacement (SERVER-88750) keeps it everywhere.
/// </summary>
public class EmptyTimestampTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private const int UnknownField = 40415;
    private static readonly BsonTimestamp Empty = new(0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_top_level_empty_timestamp_but_id_is_filled_with_its_own_cluster_time_on_insert_and_nested_ones_are_kept()
    {
        var collection = NewCollection();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "a", Empty }, { "b", Empty }, { "c", new BsonDocument("d", Empty) }, { "e", new BsonArray { Empty } } }, cancellationToken: Ct);
        await collection.InsertOneAsync(new BsonDocument { { "_id", Empty }, { "x", 9 } }, cancellationToken: Ct);

        var stored = await collection.Find(Builders<BsonDocument>.Filter.Eq("_id", 1)).SingleAsync(Ct);
        var a = stored["a"].AsBsonTimestamp;
        var b = stored["b"].AsBsonTimestamp;
        Assert.InRange(a.Timestamp, before - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        Assert.True(a.Increment > 0, $"a is {a}");
        Assert.True(b.Value > a.Value, $"each field gets its own tick (mongod ticks the clock once per field): a {a}, b {b}");
        Assert.Equal(Empty, stored["c"]["d"]);
        Assert.Equal(Empty, stored["e"][0]);
        var byEmptyId = await collection.Find(Builders<BsonDocument>.Filter.Eq("_id", Empty)).SingleAsync(Ct);
        Assert.Equal(9, byEmptyId["x"].AsInt32);
    }

    [Fact]
    public async Task Replacements_and_their_upserts_fill_empty_timestamps_while_operator_and_pipeline_updates_keep_them()
    {
        var collection = NewCollection();
        await collection.InsertManyAsync(Enumerable.Range(1, 4).Select(i => new BsonDocument { { "_id", i }, { "a", i } }), cancellationToken: Ct);

        await collection.ReplaceOneAsync(Id(1), new BsonDocument("a", Empty), cancellationToken: Ct);
        await collection.ReplaceOneAsync(Id(10), new BsonDocument("a", Empty), new ReplaceOptions { IsUpsert = true }, Ct);
        await collection.FindOneAndReplaceAsync(Id(2), new BsonDocument("a", Empty), cancellationToken: Ct);
        await collection.FindOneAndReplaceAsync(Id(11), new BsonDocument("a", Empty), new FindOneAndReplaceOptions<BsonDocument> { IsUpsert = true }, Ct);
        await collection.UpdateOneAsync(Id(3), Builders<BsonDocument>.Update.Set("a", Empty), cancellationToken: Ct);
        await collection.UpdateOneAsync(Id(12), Builders<BsonDocument>.Update.Set("a", Empty), new UpdateOptions { IsUpsert = true }, Ct);
        await collection.UpdateOneAsync(Id(4), new PipelineUpdateDefinition<BsonDocument>(new[] { new BsonDocument("$set", new BsonDocument("a", new BsonDocument("$literal", Empty))) }), cancellationToken: Ct);

        var stored = (await collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct)).ToDictionary(d => d["_id"].AsInt32, d => d["a"]);
        foreach (var filled in new[] { 1, 2, 10, 11 })
        {
            Assert.NotEqual(Empty, stored[filled]);
        }

        foreach (var kept in new[] { 3, 4, 12 })
        {
            Assert.Equal(Empty, stored[kept]);
        }
    }

    [Fact]
    public async Task BypassEmptyTsReplacement_keeps_the_value_on_insert_replacement_and_findAndModify_as_mongorestore_relies_on()
    {
        var collection = NewCollection();
        var name = collection.CollectionNamespace.CollectionName;
        var database = collection.Database;

        var inserted = await RunAsync(database, new BsonDocument { { "insert", name }, { "documents", new BsonArray { new BsonDocument { { "_id", 1 }, { "a", Empty } }, new BsonDocument { { "_id", 2 }, { "a", 0 } } } }, { "bypassEmptyTsReplacement", true } });
        if (inserted is null)
        {
            Assert.Skip("This server predates bypassEmptyTsReplacement (SERVER-88750: 8.0, 7.0.13, 6.0.17, 5.0.29).");
        }

        await RunAsync(database, new BsonDocument { { "update", name }, { "updates", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", 2) }, { "u", new BsonDocument("a", Empty) } }, new BsonDocument { { "q", new BsonDocument("_id", 3) }, { "u", new BsonDocument("a", Empty) }, { "upsert", true } } } }, { "bypassEmptyTsReplacement", true } });
        await RunAsync(database, new BsonDocument { { "findAndModify", name }, { "query", new BsonDocument("_id", 4) }, { "update", new BsonDocument("a", Empty) }, { "upsert", true }, { "bypassEmptyTsReplacement", true } });

        var stored = await collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct);
        Assert.Equal(4, stored.Count);
        Assert.All(stored, d => Assert.Equal(Empty, d["a"]));
    }

    /// <summary>Runs a write command; null when the server does not know one of its fields.</summary>
    private static async Task<BsonDocument?> RunAsync(IMongoDatabase database, BsonDocument command)
    {
        try
        {
            var reply = await database.RunCommandAsync<BsonDocument>(command, cancellationToken: Ct);
            Assert.False(reply.Contains("writeErrors"), reply.ToString());
            return reply;
        }
        catch (MongoCommandException e) when (e.Code == UnknownField)
        {
            return null;
        }
    }

    private static FilterDefinition<BsonDocument> Id(int id) => Builders<BsonDocument>.Filter.Eq("_id", id);

    private IMongoCollection<BsonDocument> NewCollection() =>
        server.Client.GetDatabase(server.NewDatabaseName("emptyts")).GetCollection<BsonDocument>("c");
}
