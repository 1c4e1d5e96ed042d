using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.ChangeStreams;

/// <summary>fullDocument whenAvailable/required and fullDocumentBeforeChange, which need changeStreamPreAndPostImages (6.0+).</summary>
public class PreAndPostImagesTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_collection_with_pre_and_post_images_shows_both_on_updates_and_the_pre_image_on_deletes()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("images"));
        await database.CreateCollectionAsync("c", new CreateCollectionOptions { ChangeStreamPreAndPostImagesOptions = new ChangeStreamPreAndPostImagesOptions { Enabled = true } }, Ct);
        var collection = database.GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", 1 } }, cancellationToken: Ct);
        var options = new ChangeStreamOptions
        {
            FullDocument = ChangeStreamFullDocumentOption.Required,
            FullDocumentBeforeChange = ChangeStreamFullDocumentBeforeChangeOption.Required,
            MaxAwaitTime = TimeSpan.FromMilliseconds(200),
        };
        using var stream = await collection.WatchAsync(options: options, cancellationToken: Ct);

        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$inc", new BsonDocument("v", 1)), cancellationToken: Ct);
        await collection.DeleteOneAsync(new BsonDocument("_id", 1), Ct);

        var events = await ChangeStreamEvents.TakeAsync(stream, 2, Ct);
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "v", 2 } }, events[0].FullDocument);
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "v", 1 } }, events[0].FullDocumentBeforeChange);
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "v", 2 } }, events[1].FullDocumentBeforeChange);
    }

    [Fact]
    public async Task Without_images_when_available_gives_null_and_required_fails_with_NoMatchingDocument()
    {
        // mongod: "Change stream was configured to require a pre-image ... but the pre-image was not found" (47).
        var collection = server.Client.GetDatabase(server.NewDatabaseName("noimages")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", 1 } }, cancellationToken: Ct);
        var whenAvailable = new ChangeStreamOptions
        {
            FullDocument = ChangeStreamFullDocumentOption.WhenAvailable,
            FullDocumentBeforeChange = ChangeStreamFullDocumentBeforeChangeOption.WhenAvailable,
            MaxAwaitTime = TimeSpan.FromMilliseconds(200),
        };
        var required = new ChangeStreamOptions { FullDocumentBeforeChange = ChangeStreamFullDocumentBeforeChangeOption.Required, MaxAwaitTime = TimeSpan.FromMilliseconds(200) };
        using var lenient = await collection.WatchAsync(options: whenAvailable, cancellationToken: Ct);
        using var strict = await collection.WatchAsync(options: required, cancellationToken: Ct);

        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("v", 2)), cancellationToken: Ct);

        var update = (await ChangeStreamEvents.TakeAsync(lenient, 1, Ct))[0];
        Assert.Null(update.FullDocument);
        Assert.Null(update.FullDocumentBeforeChange);
        var error = await Assert.ThrowsAsync<MongoCommandException>(() => ChangeStreamEvents.TakeAsync(strict, 1, Ct));
        Assert.Equal(47, error.Code);
    }

    [Fact]
    public async Task Coll_mod_turns_images_on_for_changes_made_after_it()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("collmod"));
        var collection = database.GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", 1 } }, cancellationToken: Ct);
        var options = new ChangeStreamOptions { FullDocumentBeforeChange = ChangeStreamFullDocumentBeforeChangeOption.WhenAvailable, MaxAwaitTime = TimeSpan.FromMilliseconds(200) };
        using var stream = await collection.WatchAsync(options: options, cancellationToken: Ct);

        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("v", 2)), cancellationToken: Ct);
        await database.RunCommandAsync<BsonDocument>(new BsonDocument { { "collMod", "c" }, { "changeStreamPreAndPostImages", new BsonDocument("enabled", true) } }, cancellationToken: Ct);
        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("v", 3)), cancellationToken: Ct);

        var events = await ChangeStreamEvents.TakeAsync(stream, 2, Ct);
        Assert.Null(events[0].FullDocumentBeforeChange);
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "v", 2 } }, events[1].FullDocumentBeforeChange);
    }
}
