using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Storage;

/// <summary>
/// Which documents a unique index holds, as mongod 7.0 builds its keys: a sparse index skips documents without any of
/// its fields, a partial index those outside its filter, and a plain index keys a missing field as null.
/// </summary>
public class UniqueIndexTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_unique_sparse_index_takes_any_number_of_documents_without_its_field()
    {
        var collection = await CollectionWithIndexAsync(new BsonDocument("a", 1), new CreateIndexOptions { Unique = true, Sparse = true });

        await collection.InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2), new BsonDocument { { "_id", 3 }, { "a", 5 } }], cancellationToken: Ct);
        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(
            () => collection.InsertOneAsync(new BsonDocument { { "_id", 4 }, { "a", 5 } }, cancellationToken: Ct));

        Assert.Equal(11000, duplicate.WriteError.Code);
        Assert.Equal(3, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_unique_sparse_index_still_holds_an_explicit_null()
    {
        // Sparse skips a missing field only: {a: null} has the field, so two of them collide.
        var collection = await CollectionWithIndexAsync(new BsonDocument("a", 1), new CreateIndexOptions { Unique = true, Sparse = true });

        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "a", BsonNull.Value } }, cancellationToken: Ct);
        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(
            () => collection.InsertOneAsync(new BsonDocument { { "_id", 2 }, { "a", BsonNull.Value } }, cancellationToken: Ct));

        Assert.Equal(11000, duplicate.WriteError.Code);
    }

    [Fact]
    public async Task A_unique_compound_sparse_index_skips_only_documents_missing_every_field()
    {
        var collection = await CollectionWithIndexAsync(new BsonDocument { { "a", 1 }, { "b", 1 } }, new CreateIndexOptions { Unique = true, Sparse = true });

        await collection.InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2), new BsonDocument { { "_id", 3 }, { "a", 1 } }], cancellationToken: Ct);
        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(
            () => collection.InsertOneAsync(new BsonDocument { { "_id", 4 }, { "a", 1 } }, cancellationToken: Ct));

        Assert.Equal(11000, duplicate.WriteError.Code);
    }

    [Fact]
    public async Task A_unique_partial_index_holds_only_the_documents_its_filter_matches()
    {
        var collection = await CollectionWithIndexAsync(
            new BsonDocument("email", 1),
            new CreateIndexOptions<BsonDocument> { Unique = true, PartialFilterExpression = new BsonDocument("active", true) });

        await collection.InsertManyAsync(
            [
                new BsonDocument { { "_id", 1 }, { "email", "x@example.com" }, { "active", false } },
                new BsonDocument { { "_id", 2 }, { "email", "x@example.com" }, { "active", false } },
                new BsonDocument { { "_id", 3 }, { "email", "x@example.com" }, { "active", true } },
                new BsonDocument("_id", 4),
                new BsonDocument("_id", 5),
            ],
            cancellationToken: Ct);
        var duplicate = await Assert.ThrowsAsync<MongoWriteException>(
            () => collection.InsertOneAsync(new BsonDocument { { "_id", 6 }, { "email", "x@example.com" }, { "active", true } }, cancellationToken: Ct));

        Assert.Equal(11000, duplicate.WriteError.Code);
        Assert.Equal(5, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_unique_index_that_is_not_sparse_keys_a_missing_field_and_null_alike()
    {
        // mongod keys a missing field as null: after {a: null}, a document without a is the same key (E11000).
        var collection = await CollectionWithIndexAsync(new BsonDocument("a", 1), new CreateIndexOptions { Unique = true });

        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "a", BsonNull.Value } }, cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<MongoWriteException>(
            () => collection.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct));

        Assert.Equal(11000, missing.WriteError.Code);
        Assert.Contains("dup key: { a: null }", missing.WriteError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Building_a_unique_sparse_index_over_documents_without_its_field_succeeds()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("uniq")).GetCollection<BsonDocument>("c");
        await collection.InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2)], cancellationToken: Ct);

        var name = await collection.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument("a", 1), new CreateIndexOptions { Unique = true, Sparse = true }),
            cancellationToken: Ct);

        Assert.Equal("a_1", name);
    }

    private async Task<IMongoCollection<BsonDocument>> CollectionWithIndexAsync(BsonDocument keys, CreateIndexOptions options)
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("uniq")).GetCollection<BsonDocument>("c");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(keys, options), cancellationToken: Ct);
        return collection;
    }
}
