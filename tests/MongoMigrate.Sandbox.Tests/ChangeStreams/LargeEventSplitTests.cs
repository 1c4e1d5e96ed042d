using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.ChangeStreams;

/// <summary>$changeStreamSplitLargeEvent (7.0): events over 16 MiB in fragments, each with its own resume token.</summary>
public class LargeEventSplitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_over_16_MiB_fails_the_stream_without_split_and_comes_in_fragments_with_changeStreamSplitLargeEvent()
    {
        // 7.0: $changeStreamSplitLargeEvent splits an event over 16 MiB into fragments, smallest fields first,
        // each with its own resume token and splitEvent {fragment, of}; without it the stream fails (BSONObjectTooLarge 10334).
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions(), Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var database = client.GetDatabase("large");
        await database.CreateCollectionAsync("c", new CreateCollectionOptions { ChangeStreamPreAndPostImagesOptions = new ChangeStreamPreAndPostImagesOptions { Enabled = true } }, Ct);
        var collection = database.GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "a", new string('a', 9 * 1024 * 1024) } }, cancellationToken: Ct);

        var options = new ChangeStreamOptions
        {
            FullDocument = ChangeStreamFullDocumentOption.WhenAvailable,
            FullDocumentBeforeChange = ChangeStreamFullDocumentBeforeChangeOption.WhenAvailable,
            MaxAwaitTime = TimeSpan.FromMilliseconds(200),
        };
        using var split = await collection.WatchAsync(ChangeStreamEvents.Raw(new BsonDocument("$changeStreamSplitLargeEvent", new BsonDocument())), options, Ct);
        using var whole = await collection.WatchAsync(ChangeStreamEvents.Raw(), options, Ct);
        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("a", new string('b', 9 * 1024 * 1024))), cancellationToken: Ct);

        // updateDescription, fullDocument and fullDocumentBeforeChange hold 9 MiB each: one per fragment.
        var fragments = await ChangeStreamEvents.TakeAsync(split, 3, Ct);
        Assert.Equal([1, 2, 3], fragments.Select(f => f["splitEvent"]["fragment"].AsInt32));
        Assert.All(fragments, f => Assert.Equal(3, f["splitEvent"]["of"].AsInt32));
        Assert.All(fragments, f => Assert.InRange(f.ToBson().Length, 1, 16 * 1024 * 1024));
        Assert.Equal("update", fragments[0]["operationType"].AsString);
        Assert.Contains(fragments, f => f.Contains("fullDocumentBeforeChange"));
        Assert.Equal(3, fragments.Select(f => f["_id"]).Distinct().Count());

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => ChangeStreamEvents.TakeAsync(whole, 1, Ct));
        Assert.Equal(10334, error.Code);

        // Resuming after the first fragment's token delivers the rest of the event, then what follows.
        using var resumed = await collection.WatchAsync(
            ChangeStreamEvents.Raw(new BsonDocument("$changeStreamSplitLargeEvent", new BsonDocument())),
            new ChangeStreamOptions
            {
                FullDocument = options.FullDocument,
                FullDocumentBeforeChange = options.FullDocumentBeforeChange,
                ResumeAfter = fragments[0]["_id"].AsBsonDocument,
                MaxAwaitTime = options.MaxAwaitTime,
            },
            Ct);
        await collection.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct);
        var rest = await ChangeStreamEvents.TakeAsync(resumed, 3, Ct);
        Assert.Equal([2, 3], rest.Take(2).Select(f => f["splitEvent"]["fragment"].AsInt32));
        Assert.Equal(fragments[1]["_id"], rest[0]["_id"]);
        Assert.Equal("insert", rest[2]["operationType"].AsString);
    }
}
