using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>
/// collMod's index changes an online migration makes on its target, as mongod 7.0 answers them: a TTL index's
/// expireAfterSeconds, and a non-unique index made unique in two steps (prepareUnique, then unique: true).
/// </summary>
public class CollModUniqueAndTtlTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private const int InvalidOptions = 72;
    private const int DuplicateKey = 11000;
    private const int CannotConvertIndexToUnique = 359;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_ttl_index_gets_a_new_expiry_with_the_old_and_new_values_in_the_reply()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("ttl")).GetCollection<BsonDocument>("c");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("at", 1), new CreateIndexOptions { ExpireAfter = TimeSpan.FromHours(1) }), cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("plain", 1)), cancellationToken: Ct);

        var reply = await CollModAsync(collection, new BsonDocument { { "name", "at_1" }, { "expireAfterSeconds", int.MaxValue } });
        var notTtl = await Assert.ThrowsAsync<MongoCommandException>(() => CollModAsync(collection, new BsonDocument { { "name", "plain_1" }, { "expireAfterSeconds", 10 } }));
        var negative = await Assert.ThrowsAsync<MongoCommandException>(() => CollModAsync(collection, new BsonDocument { { "name", "at_1" }, { "expireAfterSeconds", -1 } }));

        Assert.Equal(3600, reply["expireAfterSeconds_old"].ToInt64());
        Assert.Equal(int.MaxValue, reply["expireAfterSeconds_new"].ToInt64());
        Assert.Equal(int.MaxValue, (await IndexAsync(collection, "at_1"))["expireAfterSeconds"].ToInt64());
        Assert.Equal(InvalidOptions, notTtl.Code);
        Assert.Equal(InvalidOptions, negative.Code);
    }

    [Fact]
    public async Task Prepare_unique_refuses_new_duplicates_and_unique_converts_once_no_documents_share_a_key()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("unique")).GetCollection<BsonDocument>("c");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("k", 1)), cancellationToken: Ct);
        await collection.InsertManyAsync([new BsonDocument { { "_id", 1 }, { "k", 1 } }, new BsonDocument { { "_id", 2 }, { "k", 1 } }, new BsonDocument { { "_id", 3 }, { "k", 2 } }], cancellationToken: Ct);

        var unprepared = await Assert.ThrowsAsync<MongoCommandException>(() => CollModAsync(collection, new BsonDocument { { "name", "k_1" }, { "unique", true } }));
        var prepare = await CollModAsync(collection, new BsonDocument { { "name", "k_1" }, { "prepareUnique", true } });
        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(new BsonDocument { { "_id", 4 }, { "k", 2 } }, cancellationToken: Ct));
        await collection.InsertOneAsync(new BsonDocument { { "_id", 5 }, { "k", 3 } }, cancellationToken: Ct);
        var violated = await Assert.ThrowsAsync<MongoCommandException>(() => CollModAsync(collection, new BsonDocument { { "name", "k_1" }, { "unique", true } }));

        Assert.Equal(InvalidOptions, unprepared.Code);
        Assert.True(prepare["prepareUnique_new"].AsBoolean);
        Assert.True((await IndexAsync(collection, "k_1"))["prepareUnique"].AsBoolean);
        Assert.Equal(DuplicateKey, duplicate.WriteError.Code);
        Assert.Equal(CannotConvertIndexToUnique, violated.Code);
        var ids = violated.Result["violations"].AsBsonArray.Single()["ids"].AsBsonArray.Select(v => v.ToInt32()).Order();
        Assert.Equal([1, 2], ids);

        await collection.DeleteOneAsync(new BsonDocument("_id", 2), Ct);
        await collection.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "collMod", "c" }, { "index", new BsonDocument { { "name", "k_1" }, { "unique", true } } }, { "dryRun", true } }, cancellationToken: Ct);
        Assert.False((await IndexAsync(collection, "k_1")).GetValue("unique", false).AsBoolean);
        var converted = await CollModAsync(collection, new BsonDocument { { "keyPattern", new BsonDocument("k", 1) }, { "unique", true } });

        Assert.True(converted["unique_new"].AsBoolean);
        Assert.True((await IndexAsync(collection, "k_1"))["unique"].AsBoolean);
        var after = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(new BsonDocument { { "_id", 6 }, { "k", 1 } }, cancellationToken: Ct));
        Assert.Equal(DuplicateKey, after.WriteError.Code);
    }

    [Fact]
    public async Task Prepare_unique_cannot_be_combined_with_another_index_change()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("unique")).GetCollection<BsonDocument>("c");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("k", 1)), cancellationToken: Ct);

        var combined = await Assert.ThrowsAsync<MongoCommandException>(() => CollModAsync(collection, new BsonDocument { { "name", "k_1" }, { "prepareUnique", true }, { "hidden", true } }));

        Assert.Equal(InvalidOptions, combined.Code);
    }

    private static Task<BsonDocument> CollModAsync(IMongoCollection<BsonDocument> collection, BsonDocument index) =>
        collection.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "collMod", "c" }, { "index", index } }, cancellationToken: Ct);

    private static async Task<BsonDocument> IndexAsync(IMongoCollection<BsonDocument> collection, string name) =>
        (await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct)).Single(i => i["name"] == name);
}
