using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.ChangeStreams;

public class ChangeStreamTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ChangeStreamOptions FastAwait = new() { MaxAwaitTime = TimeSpan.FromMilliseconds(100), FullDocument = ChangeStreamFullDocumentOption.UpdateLookup };

    [Fact]
    public async Task A_collection_stream_sees_inserts_updates_replaces_and_deletes_in_order()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("cs")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 0), cancellationToken: Ct);
        using var stream = await collection.WatchAsync(options: FastAwait, cancellationToken: Ct);

        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "a", 1 } }, cancellationToken: Ct);
        await collection.UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("a", 2)), cancellationToken: Ct);
        await collection.ReplaceOneAsync(new BsonDocument("_id", 1), new BsonDocument { { "_id", 1 }, { "b", 3 } }, cancellationToken: Ct);
        await collection.DeleteOneAsync(new BsonDocument("_id", 1), Ct);

        var events = await Take(stream, 4);
        Assert.Equal(
            [ChangeStreamOperationType.Insert, ChangeStreamOperationType.Update, ChangeStreamOperationType.Replace, ChangeStreamOperationType.Delete],
            events.Select(e => e.OperationType));
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "a", 1 } }, events[0].FullDocument);
        Assert.Equal(new BsonDocument("a", 2), events[1].UpdateDescription.UpdatedFields);
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "b", 3 } }, events[2].FullDocument);
        Assert.All(events, e => Assert.Equal(new BsonDocument("_id", 1), e.DocumentKey));
        Assert.True(events.Select(e => e.ClusterTime).SequenceEqual(events.Select(e => e.ClusterTime).Order()));
    }

    [Fact]
    public async Task A_stream_resumes_by_itself_after_its_server_cursor_is_killed()
    {
        var sandbox = server.RequireSandbox();
        var collection = server.Client.GetDatabase(server.NewDatabaseName("resume")).GetCollection<BsonDocument>("c");
        using var stream = await collection.WatchAsync(options: FastAwait, cancellationToken: Ct);
        await collection.InsertManyAsync(Enumerable.Range(0, 3).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);
        var before = await Take(stream, 3);

        Assert.True(sandbox.KillAllCursors() > 0);
        await collection.InsertManyAsync(Enumerable.Range(3, 3).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);
        var after = await Take(stream, 3);

        Assert.Equal(Enumerable.Range(0, 6), before.Concat(after).Select(e => e.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task A_saved_resume_token_picks_up_exactly_after_the_last_event_seen()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("token")).GetCollection<BsonDocument>("c");
        BsonDocument token;
        using (var stream = await collection.WatchAsync(options: FastAwait, cancellationToken: Ct))
        {
            await collection.InsertManyAsync(Enumerable.Range(0, 5).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);
            var seen = await Take(stream, 2);
            token = seen[1].ResumeToken;
        }

        var options = new ChangeStreamOptions { ResumeAfter = token, MaxAwaitTime = TimeSpan.FromMilliseconds(100) };
        using var resumed = await collection.WatchAsync(options: options, cancellationToken: Ct);
        var rest = await Take(resumed, 3);
        Assert.Equal([2, 3, 4], rest.Select(e => e.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task Database_and_cluster_streams_see_every_collection()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("dbwatch"));
        using var dbStream = await database.WatchAsync(options: FastAwait, cancellationToken: Ct);
        using var clusterStream = await server.Client.WatchAsync(options: FastAwait, cancellationToken: Ct);

        await database.GetCollection<BsonDocument>("a").InsertOneAsync(new BsonDocument("_id", "a"), cancellationToken: Ct);
        await database.GetCollection<BsonDocument>("b").InsertOneAsync(new BsonDocument("_id", "b"), cancellationToken: Ct);

        var fromDb = await Take(dbStream, 2);
        Assert.Equal(["a", "b"], fromDb.Select(e => e.CollectionNamespace.CollectionName));
        var fromCluster = new List<ChangeStreamDocument<BsonDocument>>();
        while (fromCluster.Count(e => e.DatabaseNamespace.DatabaseName == database.DatabaseNamespace.DatabaseName) < 2)
        {
            fromCluster.AddRange(await Take(clusterStream, 1));
        }

        Assert.Equal(["a", "b"], fromCluster.Where(e => e.DatabaseNamespace.DatabaseName == database.DatabaseNamespace.DatabaseName).Select(e => e.CollectionNamespace.CollectionName));
    }

    [Fact]
    public async Task Start_at_operation_time_replays_changes_made_before_the_stream_opened()
    {
        var client = server.Client;
        var collection = client.GetDatabase(server.NewDatabaseName("optime")).GetCollection<BsonDocument>("c");
        using var session = await client.StartSessionAsync(cancellationToken: Ct);
        await collection.InsertOneAsync(session, new BsonDocument("_id", "before"), cancellationToken: Ct);
        var start = session.OperationTime;
        await collection.InsertOneAsync(new BsonDocument("_id", "after"), cancellationToken: Ct);

        var options = new ChangeStreamOptions { StartAtOperationTime = start, MaxAwaitTime = TimeSpan.FromMilliseconds(100) };
        using var stream = await collection.WatchAsync(options: options, cancellationToken: Ct);
        var events = await Take(stream, 2);
        Assert.Equal(["before", "after"], events.Select(e => e.DocumentKey["_id"].AsString));
    }

    [Fact]
    public async Task Dropping_the_watched_collection_ends_the_stream_with_invalidate()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("drop")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        using var stream = await collection.WatchAsync(options: FastAwait, cancellationToken: Ct);
        await collection.Database.DropCollectionAsync("c", Ct);

        var events = await Take(stream, 2);
        Assert.Equal([ChangeStreamOperationType.Drop, ChangeStreamOperationType.Invalidate], events.Select(e => e.OperationType));
    }

    private static async Task<List<ChangeStreamDocument<BsonDocument>>> Take(IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var events = new List<ChangeStreamDocument<BsonDocument>>();
        while (events.Count < count && await stream.MoveNextAsync(timeout.Token))
        {
            events.AddRange(stream.Current);
        }

        return events;
    }
}
