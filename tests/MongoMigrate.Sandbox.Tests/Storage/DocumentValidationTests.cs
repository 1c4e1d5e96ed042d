using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Storage;

/// <summary>Validators are enforced as mongod 7.0 enforces them (121 DocumentValidationFailure), and bypassDocumentValidation skips them.</summary>
public class DocumentValidationTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_insert_that_fails_the_validator_is_refused_with_121_unless_it_bypasses_validation()
    {
        var collection = await CreateAsync(new BsonDocument("v", new BsonDocument("$gte", 0)));

        var refused = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", -1 } }, cancellationToken: Ct));
        await collection.InsertOneAsync(new BsonDocument { { "_id", 2 }, { "v", -1 } }, new InsertOneOptions { BypassDocumentValidation = true }, Ct);
        await collection.InsertOneAsync(new BsonDocument { { "_id", 3 }, { "v", 5 } }, cancellationToken: Ct);

        Assert.Equal(121, refused.WriteError.Code);
        Assert.Equal([2, 3], (await collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct)).Select(d => d["_id"].AsInt32));
    }

    [Fact]
    public async Task Updates_upserts_and_find_and_modify_are_validated_too()
    {
        var collection = await CreateAsync(new BsonDocument("v", new BsonDocument("$gte", 0)));
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", 1 } }, cancellationToken: Ct);

        var update = await Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("v", -5)), cancellationToken: Ct));
        var upsert = await Assert.ThrowsAsync<MongoWriteException>(() => collection.UpdateOneAsync(new BsonDocument("_id", 9), new BsonDocument("$set", new BsonDocument("v", -5)), new UpdateOptions { IsUpsert = true }, Ct));
        var findAndModify = await Assert.ThrowsAsync<MongoCommandException>(() => collection.FindOneAndReplaceAsync(new BsonDocument("_id", 1), new BsonDocument("v", -2), cancellationToken: Ct));
        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("v", -5)), new UpdateOptions { BypassDocumentValidation = true }, Ct);

        Assert.Equal((121, 121, 121), (update.WriteError.Code, upsert.WriteError.Code, findAndModify.Code));
        Assert.Equal(-5, (await collection.Find(new BsonDocument("_id", 1)).SingleAsync(Ct))["v"].AsInt32);
        Assert.Equal(1, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task Moderate_validation_lets_documents_that_already_failed_be_updated_and_warn_lets_everything_in()
    {
        var moderate = await CreateAsync(new BsonDocument("v", new BsonDocument("$gte", 0)), level: "moderate");
        await moderate.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", -1 } }, new InsertOneOptions { BypassDocumentValidation = true }, Ct);
        await moderate.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("v", -2)), cancellationToken: Ct);
        var warn = await CreateAsync(new BsonDocument("v", new BsonDocument("$gte", 0)), action: "warn");

        await warn.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", -1 } }, cancellationToken: Ct);

        Assert.Equal(-2, (await moderate.Find(new BsonDocument("_id", 1)).SingleAsync(Ct))["v"].AsInt32);
        Assert.Equal(1, await warn.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    private async Task<IMongoCollection<BsonDocument>> CreateAsync(BsonDocument validator, string level = "strict", string action = "error")
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("valid"));
        await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "create", "c" }, { "validator", validator }, { "validationLevel", level }, { "validationAction", action } },
            cancellationToken: Ct);
        return database.GetCollection<BsonDocument>("c");
    }
}
