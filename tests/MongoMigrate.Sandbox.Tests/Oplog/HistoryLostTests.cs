using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Oplog;

public class HistoryLostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stream_started_before_events_that_fell_out_of_the_log_fails_with_history_lost()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogCapacity = 16 }, Ct);
        using var client = new MongoClient(server.ConnectionString);
        var reply = await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);
        var start = reply["operationTime"].AsBsonTimestamp;

        // Every event after the start is newer than it, so only the events that fell out tell that the start is gone.
        var collection = client.GetDatabase("h").GetCollection<BsonDocument>("c");
        foreach (var i in Enumerable.Range(0, 40))
        {
            await collection.InsertOneAsync(new BsonDocument("_id", i), cancellationToken: Ct);
        }

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => collection.WatchAsync(options: new ChangeStreamOptions { StartAtOperationTime = start }, cancellationToken: Ct));
        Assert.Equal(286, error.Code);
    }

    [Fact]
    public async Task A_stream_started_after_the_events_that_fell_out_still_starts()
    {
        await using var server = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogCapacity = 16 }, Ct);
        using var client = new MongoClient(server.ConnectionString);
        var collection = client.GetDatabase("h").GetCollection<BsonDocument>("c");
        foreach (var i in Enumerable.Range(0, 40))
        {
            await collection.InsertOneAsync(new BsonDocument("_id", i), cancellationToken: Ct);
        }

        var reply = await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);
        await collection.InsertOneAsync(new BsonDocument("_id", 40), cancellationToken: Ct);
        using var stream = await collection.WatchAsync(options: new ChangeStreamOptions { StartAtOperationTime = reply["operationTime"].AsBsonTimestamp, MaxAwaitTime = TimeSpan.FromMilliseconds(50) }, cancellationToken: Ct);
        Assert.True(await stream.MoveNextAsync(Ct));
        var ids = stream.Current.Select(e => e.DocumentKey["_id"].AsInt32).ToList();
        Assert.Contains(40, ids);
    }
}
