using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Sandbox;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.ChangeStreams.Capture;

public class ChangeStreamCaptureTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Capture_sees_inserts_updates_replaces_and_deletes_in_order_from_the_sources_start_time()
    {
        var db = server.NewDatabaseName("cap");
        var collection = server.Client.GetDatabase(db).GetCollection<BsonDocument>("c");
        await CreateBeforeTheStartAsync(db, "c");
        var start = await SourceClusterTime.ReadAsync(server.Client, Ct);

        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", 1 } }, cancellationToken: Ct);
        await collection.UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 1), Builders<BsonDocument>.Update.Set("v", 2), cancellationToken: Ct);
        await collection.ReplaceOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 1), new BsonDocument { { "_id", 1 }, { "w", "x" } }, cancellationToken: Ct);
        await collection.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 1), Ct);

        var sink = new RecordingSink();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var capture = new ChangeStreamCapture(server.Client, new ChangeStreamScope([new NamespaceName(db, "c")]), sink);
        var running = capture.RunAsync(CapturePosition.AtOperationTime(start), stop.Token);
        await sink.WaitForAsync(4, Ct);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        Assert.Equal(["insert", "update", "replace", "delete"], sink.Events.Select(e => e.OperationType));
        Assert.All(sink.Events, e => Assert.Equal(new NamespaceName(db, "c"), e.Namespace));
        Assert.Equal(1, sink.Events[0].FullDocument!.Value["v"].AsInt32);
        Assert.Equal(2, sink.Events[1].UpdateDescription!.Value["updatedFields"].AsDocument["v"].AsInt32);
        Assert.Equal("x", sink.Events[2].FullDocument!.Value["w"].AsString);
        Assert.Equal(1, sink.Events[3].DocumentId!.Value.AsInt32);
        Assert.True(sink.Events.Zip(sink.Events.Skip(1)).All(p => p.First.ClusterTime <= p.Second.ClusterTime));
    }

    [Fact]
    public async Task A_resumed_capture_starts_after_its_token_and_sees_nothing_twice()
    {
        var db = server.NewDatabaseName("resume");
        var collection = server.Client.GetDatabase(db).GetCollection<BsonDocument>("c");
        var scope = new ChangeStreamScope([new NamespaceName(db, "c")]);
        await CreateBeforeTheStartAsync(db, "c");
        var start = await SourceClusterTime.ReadAsync(server.Client, Ct);
        await collection.InsertManyAsync(Enumerable.Range(0, 3).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);

        var first = new RecordingSink();
        var capture = new ChangeStreamCapture(server.Client, scope, first, new CaptureOptions { BatchSize = 1 });
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var running = capture.RunAsync(CapturePosition.AtOperationTime(start), stop.Token);
            await first.WaitForAsync(3, Ct);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        }

        await collection.InsertManyAsync(Enumerable.Range(3, 2).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);
        var second = new RecordingSink();
        using var stopSecond = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var resumed = new ChangeStreamCapture(server.Client, scope, second).RunAsync(capture.Position!, stopSecond.Token);
        await second.WaitForAsync(2, Ct);
        await stopSecond.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resumed);

        Assert.Equal([0, 1, 2], first.Events.Select(e => e.DocumentId!.Value.AsInt32));
        Assert.Equal([3, 4], second.Events.Select(e => e.DocumentId!.Value.AsInt32));
    }

    [Fact]
    public async Task Other_collections_are_filtered_out_by_the_server_and_the_source_time_advances_while_idle()
    {
        var db = server.NewDatabaseName("filter");
        var database = server.Client.GetDatabase(db);
        await CreateBeforeTheStartAsync(db, "c", "other");
        var start = await SourceClusterTime.ReadAsync(server.Client, Ct);
        await database.GetCollection<BsonDocument>("other").InsertOneAsync(new BsonDocument("_id", "no"), cancellationToken: Ct);
        await database.GetCollection<BsonDocument>("c").InsertOneAsync(new BsonDocument("_id", "yes"), cancellationToken: Ct);

        var sink = new RecordingSink();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var capture = new ChangeStreamCapture(server.Client, new ChangeStreamScope([new NamespaceName(db, "c")]), sink, new CaptureOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(100) });
        var running = capture.RunAsync(CapturePosition.AtOperationTime(start), stop.Token);
        await sink.WaitForAsync(1, Ct);

        // Writes elsewhere move the source's clock; the idle stream's post-batch tokens must follow it.
        var seen = sink.SourceTimes.Max();
        await database.GetCollection<BsonDocument>("other").InsertOneAsync(new BsonDocument("_id", "later"), cancellationToken: Ct);
        var later = await SourceClusterTime.ReadAsync(server.Client, Ct);
        while (sink.SourceTimes.Max() < later)
        {
            await Task.Delay(50, Ct);
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(["yes"], sink.Events.Select(e => e.DocumentId!.Value.AsString));
        Assert.True(sink.SourceTimes.Max() > seen);
    }

    [Fact]
    public async Task A_killed_cursor_is_resumed_after_the_last_token_without_losing_or_repeating_events()
    {
        var sandbox = server.RequireSandbox();
        var db = server.NewDatabaseName("kill");
        var collection = server.Client.GetDatabase(db).GetCollection<BsonDocument>("c");
        await CreateBeforeTheStartAsync(db, "c");
        var start = await SourceClusterTime.ReadAsync(server.Client, Ct);
        var sink = new RecordingSink();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var capture = new ChangeStreamCapture(server.Client, new ChangeStreamScope([new NamespaceName(db, "c")]), sink, new CaptureOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(50), FirstResumeDelay = TimeSpan.FromMilliseconds(10) });
        var running = capture.RunAsync(CapturePosition.AtOperationTime(start), stop.Token);
        for (var i = 0; i < 20; i++)
        {
            await collection.InsertOneAsync(new BsonDocument("_id", i), cancellationToken: Ct);
            if (i % 5 == 2)
            {
                // Killed once the stream has delivered what came before, so that there is a cursor to kill.
                await sink.WaitForAsync(i + 1, Ct);
                sandbox.KillAllCursors();
            }
        }

        await sink.WaitForAsync(20, Ct);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(Enumerable.Range(0, 20), sink.Events.Select(e => e.DocumentId!.Value.AsInt32));
        Assert.True(capture.Resumes > 0);
    }

    [Fact]
    public async Task A_start_older_than_the_sources_history_fails_naming_the_collections_to_copy_again()
    {
        if (MongoServerFixture.ExternalUri is not null)
        {
            Assert.Skip("Needs a sandbox with a tiny change log (an oplog this small cannot be set on a real server from a test).");
        }

        await using var small = await SandboxServer.StartAsync(new SandboxOptions { ChangeLogCapacity = 10 }, Ct);
        using var client = new MongoClient(small.ConnectionString);
        var start = await SourceClusterTime.ReadAsync(client, Ct);
        var collection = client.GetDatabase("lost").GetCollection<BsonDocument>("c");
        await collection.InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument("_id", i)), new InsertManyOptions { IsOrdered = true }, Ct);
        foreach (var i in Enumerable.Range(50, 20))
        {
            await collection.InsertOneAsync(new BsonDocument("_id", i), cancellationToken: Ct);
        }

        var capture = new ChangeStreamCapture(client, new ChangeStreamScope([new NamespaceName("lost", "c")]), new RecordingSink());
        var error = await Assert.ThrowsAsync<ChangeStreamHistoryLostException>(() => capture.RunAsync(CapturePosition.AtOperationTime(start), Ct));
        Assert.Equal([new NamespaceName("lost", "c")], error.Namespaces);
        Assert.Contains("lost.c", error.Message, StringComparison.Ordinal);
        Assert.Contains("Copy these collections again", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Creates the collections, then writes elsewhere so that the start time read next comes after their "create"
    /// events (with expanded events, a stream shows them, and a start time is inclusive).
    /// </summary>
    private async Task CreateBeforeTheStartAsync(string db, params string[] names)
    {
        foreach (var name in names)
        {
            await server.Client.GetDatabase(db).CreateCollectionAsync(name, cancellationToken: Ct);
        }

        await server.Client.GetDatabase(db + "_clock").GetCollection<BsonDocument>("tick").InsertOneAsync(new BsonDocument(), cancellationToken: Ct);
    }
}
