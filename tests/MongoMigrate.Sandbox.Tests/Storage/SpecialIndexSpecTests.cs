using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Storage;

/// <summary>
/// Text and 2dsphere index specs as mongod 7.0 stores and lists them (FTSSpec::fixSpec; S2 index version 3), so that
/// an index read from one server and created on another compares equal.
/// </summary>
public class SpecialIndexSpecTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_text_index_is_stored_with_fts_keys_sorted_weights_and_its_defaults()
    {
        var collection = NewCollection();

        await CreateAsync(collection, new BsonDocument { { "key", new BsonDocument { { "title", "text" }, { "body", "text" } } }, { "name", "search" }, { "weights", new BsonDocument("title", 10) } });

        Assert.Equal(
            BsonDocument.Parse("""
                { v: 2, key: { _fts: "text", _ftsx: 1 }, name: "search", weights: { body: 1, title: 10 },
                  default_language: "english", language_override: "language", textIndexVersion: 3 }
                """),
            await IndexAsync(collection, "search"));
    }

    [Fact]
    public async Task A_compound_text_index_keeps_its_other_keys_around_the_fts_keys_and_its_given_language()
    {
        var collection = NewCollection();

        await CreateAsync(collection, new BsonDocument { { "key", new BsonDocument { { "shop", 1 }, { "title", "text" } } }, { "name", "shop_title" }, { "default_language", "french" } });

        Assert.Equal(
            BsonDocument.Parse("""
                { v: 2, key: { shop: 1, _fts: "text", _ftsx: 1 }, name: "shop_title", default_language: "french",
                  weights: { title: 1 }, language_override: "language", textIndexVersion: 3 }
                """),
            await IndexAsync(collection, "shop_title"));
    }

    [Fact]
    public async Task A_listed_text_index_created_again_elsewhere_compares_equal()
    {
        var source = NewCollection();
        var target = NewCollection();
        await CreateAsync(source, new BsonDocument { { "key", new BsonDocument("title", "text") }, { "name", "title_text" } });
        var listed = await IndexAsync(source, "title_text");

        await CreateAsync(target, listed);
        var again = await CreateAsync(target, listed);

        Assert.Equal(listed, await IndexAsync(target, "title_text"));
        Assert.Equal(again["numIndexesBefore"], again["numIndexesAfter"]);
    }

    [Fact]
    public async Task A_2dsphere_index_is_stored_with_its_index_version()
    {
        var collection = NewCollection();

        await CreateAsync(collection, new BsonDocument { { "key", new BsonDocument("location", "2dsphere") }, { "name", "location_2dsphere" } });

        Assert.Equal(
            BsonDocument.Parse("""{ v: 2, key: { location: "2dsphere" }, name: "location_2dsphere", "2dsphereIndexVersion": 3 }"""),
            await IndexAsync(collection, "location_2dsphere"));
    }

    private IMongoCollection<BsonDocument> NewCollection() =>
        server.Client.GetDatabase(server.NewDatabaseName("special")).GetCollection<BsonDocument>("c");

    private static async Task<BsonDocument> IndexAsync(IMongoCollection<BsonDocument> collection, string name)
    {
        var indexes = await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct);
        return indexes.Single(i => i["name"] == name);
    }

    private static Task<BsonDocument> CreateAsync(IMongoCollection<BsonDocument> collection, BsonDocument index) =>
        collection.Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "createIndexes", collection.CollectionNamespace.CollectionName }, { "indexes", new BsonArray { index } } },
            cancellationToken: Ct);
}
