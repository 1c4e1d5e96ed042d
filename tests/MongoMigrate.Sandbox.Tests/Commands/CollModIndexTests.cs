using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>collMod {index: {name | keyPattern, hidden}} as mongod 7.0 answers it: hidden_old/hidden_new, hidden: true in the listed spec.</summary>
public class CollModIndexTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_index_is_hidden_and_unhidden_by_name_or_key_pattern()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("hide")).GetCollection<BsonDocument>("c");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("a", 1)), cancellationToken: Ct);

        var hide = await CollModAsync(collection, new BsonDocument { { "name", "a_1" }, { "hidden", true } });
        var listed = await IndexAsync(collection);
        var unhide = await CollModAsync(collection, new BsonDocument { { "keyPattern", new BsonDocument("a", 1) }, { "hidden", false } });

        Assert.Equal((false, true), (hide["hidden_old"].AsBoolean, hide["hidden_new"].AsBoolean));
        Assert.True(listed["hidden"].AsBoolean);
        Assert.Equal((true, false), (unhide["hidden_old"].AsBoolean, unhide["hidden_new"].AsBoolean));
        Assert.False((await IndexAsync(collection)).GetValue("hidden", false).AsBoolean);
    }

    [Fact]
    public async Task Hiding_the_id_index_or_a_missing_one_fails()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("hide")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        var id = await Assert.ThrowsAsync<MongoCommandException>(() => CollModAsync(collection, new BsonDocument { { "name", "_id_" }, { "hidden", true } }));
        var missing = await Assert.ThrowsAsync<MongoCommandException>(() => CollModAsync(collection, new BsonDocument { { "name", "nope" }, { "hidden", true } }));

        Assert.Equal(2, id.Code);
        Assert.Equal(27, missing.Code);
    }

    private static Task<BsonDocument> CollModAsync(IMongoCollection<BsonDocument> collection, BsonDocument index) =>
        collection.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "collMod", "c" }, { "index", index } }, cancellationToken: Ct);

    private static async Task<BsonDocument> IndexAsync(IMongoCollection<BsonDocument> collection) =>
        (await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct)).Single(i => i["name"] == "a_1");
}
