using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Storage;

/// <summary>What mongod 7.0's fixDocumentForInsert (src/mongo/db/ops/insert.cpp) refuses and rewrites before an insert is stored.</summary>
public class InsertPreparationTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("{ _id: { $a: 1 } }", "$a")]
    [InlineData("{ _id: { a: { b: [ { $c: 1 } ] } } }", "$c")]
    [InlineData("{ _id: { $ref: 'c', x: 1 } }", "$ref")]
    public async Task A_dollar_prefixed_field_inside_id_is_refused_with_BadValue_as_mongod_7_does(string json, string field)
    {
        var collection = NewCollection();

        var refused = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(BsonDocument.Parse(json), cancellationToken: Ct));

        Assert.Equal(2, refused.WriteError.Code);
        Assert.Equal($"_id fields may not contain '$'-prefixed fields: {field} is not valid for storage.", refused.WriteError.Message);
        Assert.Equal(0, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_dbref_inside_id_and_dollar_fields_outside_id_are_stored()
    {
        var collection = NewCollection();
        var dbRef = BsonDocument.Parse("{ _id: { $ref: 'c', $id: 1, $db: 'd' } }");

        await collection.InsertOneAsync(dbRef, cancellationToken: Ct);
        await collection.InsertOneAsync(BsonDocument.Parse("{ _id: 2, a: { $b: 1 } }"), cancellationToken: Ct);

        Assert.Equal(2, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task An_id_given_after_other_fields_is_moved_first_and_a_second_id_is_refused()
    {
        var collection = NewCollection();

        await collection.Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "insert", collection.CollectionNamespace.CollectionName }, { "documents", new BsonArray { new BsonDocument { { "x", 1 }, { "_id", 7 } } } } },
            cancellationToken: Ct);
        var reply = await collection.Database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "insert", collection.CollectionNamespace.CollectionName }, { "documents", new BsonArray { new BsonDocument(allowDuplicateNames: true) { { "_id", 8 }, { "_id", 9 } } } } },
            cancellationToken: Ct);

        Assert.Equal(["_id", "x"], (await collection.Find(FilterDefinition<BsonDocument>.Empty).SingleAsync(Ct)).Names);
        Assert.Equal(2, reply["writeErrors"][0]["code"].AsInt32);
        Assert.Equal("can't have multiple _id fields in one document", reply["writeErrors"][0]["errmsg"].AsString);
    }

    private IMongoCollection<BsonDocument> NewCollection() =>
        server.Client.GetDatabase(server.NewDatabaseName("insert")).GetCollection<BsonDocument>("c");
}
