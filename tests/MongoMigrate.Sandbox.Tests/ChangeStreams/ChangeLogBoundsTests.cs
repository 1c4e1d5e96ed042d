using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.ChangeStreams;

/// <summary>The sandbox's own change log bounds and topology: each test starts the sandbox it needs.</summary>
public class ChangeLogBoundsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_that_fell_off_the_bounded_change_log_fails_with_ChangeStreamHistoryLost()
    {
        // As on a replica set whose oplog rolled over: ChangeStreamHistoryLost (286), labelled NonResumableChangeStreamError.
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogMaxBytes = 256 * 1024 }, Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var collection = client.GetDatabase("bounded").GetCollection<BsonDocument>("c");
        BsonDocument firstToken;
        using (var stream = await collection.WatchAsync(options: new ChangeStreamOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(200) }, cancellationToken: Ct))
        {
            await collection.InsertOneAsync(new BsonDocument("_id", 0), cancellationToken: Ct);
            firstToken = (await ChangeStreamEvents.TakeAsync(stream, 1, Ct))[0].ResumeToken;
        }

        var padding = new string('x', 4096);
        await collection.InsertManyAsync(Enumerable.Range(1, 200).Select(i => new BsonDocument { { "_id", i }, { "pad", padding } }), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.WatchAsync(options: new ChangeStreamOptions { ResumeAfter = firstToken }, cancellationToken: Ct));
        Assert.Equal(286, error.Code);
        Assert.Contains("NonResumableChangeStreamError", error.ErrorLabels);
        Assert.InRange(sandbox.Context.ChangeLog.RetainedBytes, 1, 256 * 1024);
    }

    [Fact]
    public async Task Starting_at_an_operation_time_older_than_the_change_log_fails_with_ChangeStreamHistoryLost()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogCapacity = 16 }, Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var collection = client.GetDatabase("bounded").GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 0), cancellationToken: Ct);
        var start = (await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct))["operationTime"].AsBsonTimestamp;
        await collection.InsertManyAsync(Enumerable.Range(1, 40).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);

        // Every event left is newer than the start, so only the ones that fell out tell that it is gone.
        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.WatchAsync(options: new ChangeStreamOptions { StartAtOperationTime = start }, cancellationToken: Ct));
        Assert.Equal(286, error.Code);
    }

    [Fact]
    public async Task A_token_still_in_the_change_log_resumes_after_many_writes()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogMaxBytes = 4 * 1024 * 1024 }, Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var collection = client.GetDatabase("bounded").GetCollection<BsonDocument>("c");
        BsonDocument token;
        using (var stream = await collection.WatchAsync(options: new ChangeStreamOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(200) }, cancellationToken: Ct))
        {
            await collection.InsertOneAsync(new BsonDocument("_id", 0), cancellationToken: Ct);
            token = (await ChangeStreamEvents.TakeAsync(stream, 1, Ct))[0].ResumeToken;
        }

        await collection.InsertManyAsync(Enumerable.Range(1, 200).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);
        using var resumed = await collection.WatchAsync(options: new ChangeStreamOptions { ResumeAfter = token, MaxAwaitTime = TimeSpan.FromMilliseconds(200) }, cancellationToken: Ct);
        var events = await ChangeStreamEvents.TakeAsync(resumed, 200, Ct);
        Assert.Equal(Enumerable.Range(1, 200), events.Select(e => e.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task A_standalone_sandbox_refuses_change_streams_as_mongod_does_with_40573()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { ReplicaSetName = null }, Ct);
        using var client = new MongoClient(sandbox.ConnectionString);
        var collection = client.GetDatabase("standalone").GetCollection<BsonDocument>("c");

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => collection.WatchAsync(cancellationToken: Ct));
        Assert.Equal(40573, error.Code);
        Assert.Contains("only supported on replica sets", error.Message, StringComparison.Ordinal);
    }
}
