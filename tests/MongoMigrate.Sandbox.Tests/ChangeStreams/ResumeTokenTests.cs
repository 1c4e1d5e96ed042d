using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.ChangeStreams;

/// <summary>Resume tokens, postBatchResumeToken and the cursors of change streams, as a 7.0 replica set gives them, through raw commands.</summary>
public class ResumeTokenTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_batch_carries_a_post_batch_resume_token_that_advances_while_the_stream_is_idle()
    {
        // A real primary writes a no-op every 10 s (periodicNoopIntervalSecs); the sandbox every second.
        var database = server.Client.GetDatabase(server.NewDatabaseName("pbrt"));
        var opened = await database.RunCommandAsync<BsonDocument>(ChangeStreamAggregate("c", new BsonDocument(), batchSize: 0), cancellationToken: Ct);
        var cursor = opened["cursor"].AsBsonDocument;
        var first = cursor["postBatchResumeToken"].AsBsonDocument;
        Assert.Empty(cursor["firstBatch"].AsBsonArray);

        var current = first;
        for (var attempt = 0; attempt < 15 && current == first; attempt++)
        {
            var more = await database.RunCommandAsync<BsonDocument>(GetMore(cursor["id"].AsInt64, "c", maxTimeMs: 1000), cancellationToken: Ct);
            Assert.Empty(more["cursor"]["nextBatch"].AsBsonArray);
            current = more["cursor"]["postBatchResumeToken"].AsBsonDocument;
        }

        Assert.True(string.CompareOrdinal(current["_data"].AsString, first["_data"].AsString) > 0, $"the idle stream's token stayed at {first}");
    }

    [Fact]
    public async Task Resuming_after_an_invalidate_token_is_refused_with_InvalidResumeToken_and_starting_after_it_is_allowed()
    {
        // mongod: resumeAfter an invalidate answers InvalidResumeToken (260); startAfter it opens a stream.
        var collection = server.Client.GetDatabase(server.NewDatabaseName("inval")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        var options = new ChangeStreamOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(200) };
        BsonDocument invalidateToken;
        using (var stream = await collection.WatchAsync(options: options, cancellationToken: Ct))
        {
            await collection.Database.DropCollectionAsync("c", Ct);
            var events = await ChangeStreamEvents.TakeAsync(stream, 2, Ct);
            Assert.Equal(ChangeStreamOperationType.Invalidate, events[1].OperationType);
            invalidateToken = events[1].ResumeToken;
        }

        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            collection.WatchAsync(options: new ChangeStreamOptions { ResumeAfter = invalidateToken }, cancellationToken: Ct));
        Assert.Equal(260, error.Code);

        using var after = await collection.WatchAsync(options: new ChangeStreamOptions { StartAfter = invalidateToken, MaxAwaitTime = TimeSpan.FromMilliseconds(200) }, cancellationToken: Ct);
        await collection.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct);
        var next = await ChangeStreamEvents.TakeAsync(after, 1, Ct);
        Assert.Equal(2, next.Single(e => e.OperationType == ChangeStreamOperationType.Insert).DocumentKey["_id"].AsInt32);
    }

    [Fact]
    public async Task Events_carry_cluster_time_and_wall_time_and_replies_carry_operation_time_and_cluster_time()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("times"));
        var opened = await database.RunCommandAsync<BsonDocument>(ChangeStreamAggregate("c", new BsonDocument(), batchSize: 0), cancellationToken: Ct);
        var inserted = await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "insert", "c" }, { "documents", new BsonArray { new BsonDocument("_id", 1) } } }, cancellationToken: Ct);
        Assert.IsType<BsonTimestamp>(inserted["operationTime"]);
        Assert.IsType<BsonTimestamp>(inserted["$clusterTime"]["clusterTime"]);

        var more = await database.RunCommandAsync<BsonDocument>(GetMore(opened["cursor"]["id"].AsInt64, "c", maxTimeMs: 2000), cancellationToken: Ct);
        var change = more["cursor"]["nextBatch"].AsBsonArray.Single().AsBsonDocument;
        // A write's reply carries that write's time as operationTime, which is its event's clusterTime.
        Assert.Equal(inserted["operationTime"], change["clusterTime"]);
        Assert.IsType<BsonDateTime>(change["wallTime"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Kill_cursors_closes_a_database_or_cluster_stream_whose_cursor_lives_on_cmd_aggregate(bool cluster)
    {
        var database = cluster ? server.Client.GetDatabase("admin") : server.Client.GetDatabase(server.NewDatabaseName("kill"));
        var stage = cluster ? new BsonDocument("allChangesForCluster", true) : new BsonDocument();
        var opened = await database.RunCommandAsync<BsonDocument>(ChangeStreamAggregate(1, stage, batchSize: 0), cancellationToken: Ct);
        var id = opened["cursor"]["id"].AsInt64;
        Assert.Equal($"{database.DatabaseNamespace.DatabaseName}.$cmd.aggregate", opened["cursor"]["ns"].AsString);

        var killed = await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "killCursors", "$cmd.aggregate" }, { "cursors", new BsonArray { id } } }, cancellationToken: Ct);
        Assert.Equal(new BsonArray { id }, killed["cursorsKilled"]);

        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            database.RunCommandAsync<BsonDocument>(GetMore(id, "$cmd.aggregate", maxTimeMs: 100), cancellationToken: Ct));
        Assert.Equal(43, error.Code);
    }

    [Fact]
    public async Task A_get_more_failing_with_a_retriable_error_is_labelled_ResumableChangeStreamError()
    {
        // mongod's ErrorLabelBuilder labels a change stream's HostUnreachable (a RetriableError) resumable;
        // a ChangeStreamFatalError gets NonResumableChangeStreamError.
        var database = server.Client.GetDatabase(server.NewDatabaseName("label"));
        var admin = server.Client.GetDatabase("admin");
        var opened = await database.RunCommandAsync<BsonDocument>(ChangeStreamAggregate("c", new BsonDocument(), batchSize: 0), cancellationToken: Ct);
        await admin.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "configureFailPoint", "failGetMoreAfterCursorCheckout" }, { "mode", new BsonDocument("times", 1) }, { "data", new BsonDocument("errorCode", 6) } },
            cancellationToken: Ct);
        try
        {
            var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
                database.RunCommandAsync<BsonDocument>(GetMore(opened["cursor"]["id"].AsInt64, "c", maxTimeMs: 100), cancellationToken: Ct));
            Assert.Equal(6, error.Code);
            Assert.Contains("ResumableChangeStreamError", error.ErrorLabels);
        }
        finally
        {
            await admin.RunCommandAsync<BsonDocument>(
                new BsonDocument { { "configureFailPoint", "failGetMoreAfterCursorCheckout" }, { "mode", "off" } }, cancellationToken: CancellationToken.None);
        }

        var projected = new BsonDocument
        {
            { "aggregate", "c" },
            { "pipeline", new BsonArray { new BsonDocument("$changeStream", new BsonDocument()), new BsonDocument("$project", new BsonDocument("_id", 0)) } },
            { "cursor", new BsonDocument("batchSize", 0) },
        };
        var stream = await database.RunCommandAsync<BsonDocument>(projected, cancellationToken: Ct);
        await database.GetCollection<BsonDocument>("c").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        var fatal = await Assert.ThrowsAsync<MongoCommandException>(() =>
            database.RunCommandAsync<BsonDocument>(GetMore(stream["cursor"]["id"].AsInt64, "c", maxTimeMs: 2000), cancellationToken: Ct));
        Assert.Equal(280, fatal.Code);
        Assert.Contains("NonResumableChangeStreamError", fatal.ErrorLabels);
    }

    internal static BsonDocument ChangeStreamAggregate(BsonValue target, BsonDocument stage, int batchSize) => new()
    {
        { "aggregate", target },
        { "pipeline", new BsonArray { new BsonDocument("$changeStream", stage) } },
        { "cursor", new BsonDocument("batchSize", batchSize) },
    };

    internal static BsonDocument GetMore(long id, string collection, int maxTimeMs) => new()
    {
        { "getMore", id },
        { "collection", collection },
        { "maxTimeMS", maxTimeMs },
    };
}
