using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Storage;

/// <summary>
/// createIndexes conflicts as mongod 7.0's IndexCatalogImpl::_doesSpecConflictWithExisting reports them: an index's
/// signature is its key, unique, sparse, collation, partialFilterExpression and wildcardProjection.
/// </summary>
public class IndexConflictTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_key_under_another_name_fails_with_IndexOptionsConflict()
    {
        var collection = await CollectionWithIndexAsync(new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "a_1" } });

        var refused = await Assert.ThrowsAsync<MongoCommandException>(
            () => CreateAsync(collection, new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "other" } }));

        Assert.Equal((85, "IndexOptionsConflict"), (refused.Code, refused.CodeName));
        Assert.Equal("Index already exists with a different name: a_1", refused.ErrorMessage);
    }

    [Fact]
    public async Task The_same_key_with_other_options_under_another_name_fails_with_IndexOptionsConflict()
    {
        var collection = await CollectionWithIndexAsync(new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "a_1" } });

        var refused = await Assert.ThrowsAsync<MongoCommandException>(
            () => CreateAsync(collection, new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "ttl" }, { "expireAfterSeconds", 60 } }));

        Assert.Equal(85, refused.Code);
        Assert.StartsWith("An equivalent index already exists with a different name and options.", refused.ErrorMessage);
    }

    [Fact]
    public async Task The_same_name_with_another_key_or_signature_fails_with_IndexKeySpecsConflict()
    {
        var collection = await CollectionWithIndexAsync(new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "idx" } });

        var otherKey = await Assert.ThrowsAsync<MongoCommandException>(
            () => CreateAsync(collection, new BsonDocument { { "key", new BsonDocument("b", 1) }, { "name", "idx" } }));
        var otherSignature = await Assert.ThrowsAsync<MongoCommandException>(
            () => CreateAsync(collection, new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "idx" }, { "unique", true } }));

        Assert.Equal((86, "IndexKeySpecsConflict"), (otherKey.Code, otherKey.CodeName));
        Assert.StartsWith("An existing index has the same name as the requested index.", otherKey.ErrorMessage);
        Assert.Equal(86, otherSignature.Code);
    }

    [Fact]
    public async Task The_same_name_and_key_with_other_options_fails_with_IndexOptionsConflict()
    {
        var collection = await CollectionWithIndexAsync(new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "a_1" } });

        var refused = await Assert.ThrowsAsync<MongoCommandException>(
            () => CreateAsync(collection, new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "a_1" }, { "expireAfterSeconds", 60 } }));

        Assert.Equal(85, refused.Code);
        Assert.StartsWith("An equivalent index already exists with the same name but different options.", refused.ErrorMessage);
    }

    [Fact]
    public async Task An_identical_index_is_a_no_op_and_the_same_key_with_another_collation_is_a_new_index()
    {
        var collection = await CollectionWithIndexAsync(new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "a_1" } });

        var again = await CreateAsync(collection, new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "a_1" } });
        var collated = await CreateAsync(
            collection,
            new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "a_fr" }, { "collation", new BsonDocument { { "locale", "fr" }, { "strength", 2 } } } });

        Assert.Equal((2, 2), (again["numIndexesBefore"].AsInt32, again["numIndexesAfter"].AsInt32));
        Assert.Equal((2, 3), (collated["numIndexesBefore"].AsInt32, collated["numIndexesAfter"].AsInt32));
        var names = (await (await collection.Indexes.ListAsync(Ct)).ToListAsync(Ct)).Select(i => i["name"].AsString);
        Assert.Equal(["_id_", "a_1", "a_fr"], names);
    }

    private async Task<IMongoCollection<BsonDocument>> CollectionWithIndexAsync(BsonDocument index)
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("indexes")).GetCollection<BsonDocument>("c");
        await CreateAsync(collection, index);
        return collection;
    }

    private static Task<BsonDocument> CreateAsync(IMongoCollection<BsonDocument> collection, BsonDocument index) =>
        collection.Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "createIndexes", collection.CollectionNamespace.CollectionName }, { "indexes", new BsonArray { index } } },
            cancellationToken: Ct);
}
