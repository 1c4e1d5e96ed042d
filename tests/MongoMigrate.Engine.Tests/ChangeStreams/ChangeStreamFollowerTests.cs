using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.ChangeStreams.Apply;
using MongoMigrate.Sandbox;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.ChangeStreams;

public class ChangeStreamFollowerTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_target_equals_the_source_byte_for_byte_after_a_writer_ran_during_the_copy_and_after_it()
    {
        await using var bed = await FollowerTestBed.CreateAsync(server, "follow", "a", "b");
        var collections = bed.Collections.Select(bed.Source).ToList();
        await ConcurrentWriter.SeedAsync(collections, 120, seed: 1, Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);

        // The copy runs while the application writes; its changes wait in the spool until each copy is done.
        var gate = new NamespaceGate();
        await using var follower = await ChangeStreamFollower.StartAsync(bed.Settings(gate), Ct);
        var writing = ConcurrentWriter.RunAsync(collections, 1500, seed: 2, Ct);
        foreach (var collection in bed.Collections)
        {
            await bed.CopyAsync(collection);
            follower.MarkReady(new(bed.SourceDb, collection));
        }

        await writing;
        await bed.AssertCaughtUpAndEqualAsync(follower);

        // Following goes on after the copy; the lag falls to zero once the source is idle.
        await ConcurrentWriter.RunAsync(collections, 500, seed: 3, Ct);
        await bed.AssertCaughtUpAndEqualAsync(follower);
        var progress = follower.Progress;
        Assert.True(progress.EventsApplied > 1000, $"{progress.EventsApplied} applied");
        Assert.True(progress.EventsCaptured >= progress.EventsApplied, $"{progress.EventsCaptured} captured, {progress.EventsApplied} applied");
        Assert.Equal(0, progress.LagSeconds);

        // Updates apply from their description; only those the target cannot take as described are read again.
        Assert.True(progress.Refreshes * 10 < progress.EventsApplied, $"{progress.Refreshes} of {progress.EventsApplied} read again from the source");
        Assert.False(follower.Completion.IsCompleted, follower.Completion.Exception?.ToString());
    }

    [Fact]
    public async Task Changes_are_applied_past_a_validator_on_the_target_as_the_copy_inserts_past_it()
    {
        await using var bed = await FollowerTestBed.CreateAsync(server, "valid", "a");
        await bed.Source("a").InsertOneAsync(new BsonDocument { { "_id", 1 }, { "v", 1 } }, cancellationToken: Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");
        // A validator the source's documents fail (a source made before its validator, or validationLevel moderate).
        await server.Client.GetDatabase(bed.TargetDb).RunCommandAsync<BsonDocument>(
            new BsonDocument { { "collMod", "a" }, { "validator", new BsonDocument("v", new BsonDocument("$gt", 100)) } },
            cancellationToken: Ct);
        await using var follower = await ChangeStreamFollower.StartAsync(bed.Settings(), Ct);

        await bed.Source("a").InsertOneAsync(new BsonDocument { { "_id", 2 }, { "v", 2 } }, cancellationToken: Ct);
        await bed.Source("a").UpdateOneAsync(new BsonDocument("_id", 1), new BsonDocument("$inc", new BsonDocument("v", 1)), cancellationToken: Ct);

        await bed.AssertCaughtUpAndEqualAsync(follower);
        Assert.False(follower.Completion.IsCompleted, follower.Completion.Exception?.ToString());
    }

    [Fact]
    public async Task Inserts_and_replacements_holding_a_top_level_empty_timestamp_are_applied_as_the_source_holds_them()
    {
        await using var bed = await FollowerTestBed.CreateAsync(server, "emptyts", "a");
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");
        await using var follower = await ChangeStreamFollower.StartAsync(bed.Settings(), Ct);
        var database = server.Client.GetDatabase(bed.SourceDb);
        var empty = new BsonTimestamp(0);

        // The application's own writes say bypassEmptyTsReplacement so that the source holds Timestamp(0,0) at all (SERVER-88750).
        try
        {
            await database.RunCommandAsync<BsonDocument>(
                new BsonDocument { { "insert", "a" }, { "documents", new BsonArray { new BsonDocument { { "_id", 1 }, { "at", empty } }, new BsonDocument { { "_id", 2 }, { "at", 5 } } } }, { "bypassEmptyTsReplacement", true } },
                cancellationToken: Ct);
        }
        catch (MongoCommandException e) when (e.Code == 40415)
        {
            Assert.Skip("This server predates bypassEmptyTsReplacement (SERVER-88750: 8.0, 7.0.13, 6.0.17, 5.0.29).");
        }

        await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "update", "a" }, { "updates", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", 2) }, { "u", new BsonDocument { { "at", empty }, { "v", 2 } } } } } }, { "bypassEmptyTsReplacement", true } },
            cancellationToken: Ct);

        await bed.AssertCaughtUpAndEqualAsync(follower);
        var stored = await server.Client.GetDatabase(bed.TargetDb).GetCollection<BsonDocument>("a").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, d => Assert.Equal(empty, d["at"]));
        Assert.False(follower.Completion.IsCompleted, follower.Completion.Exception?.ToString());
    }

    [Fact]
    public async Task Stopping_at_random_moments_and_resuming_from_the_checkpoint_ends_exact()
    {
        await using var bed = await FollowerTestBed.CreateAsync(server, "crash", "a");
        var collections = bed.Collections.Select(bed.Source).ToList();
        await ConcurrentWriter.SeedAsync(collections, 100, seed: 4, Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");

        var random = new Random(5);
        var writing = ConcurrentWriter.RunAsync(collections, 2000, seed: 6, Ct);
        var resumedFrom = new List<long>();
        for (var round = 0; round < 5; round++)
        {
            var follower = await ChangeStreamFollower.StartAsync(bed.Settings(apply: new ApplyOptions { LaneCount = 4, CheckpointEveryRecords = 7, MaxBatchOperations = 5 }), Ct);
            resumedFrom.Add(follower.Checkpoint.Sequence);
            await Task.Delay(random.Next(50, 400), Ct);
            await follower.DisposeAsync();
        }

        await writing;
        await using var last = await ChangeStreamFollower.StartAsync(bed.Settings(), Ct);
        await bed.AssertCaughtUpAndEqualAsync(last);
        Assert.True(resumedFrom.Zip(resumedFrom.Skip(1)).All(p => p.First <= p.Second), string.Join(", ", resumedFrom));
        Assert.True(resumedFrom[^1] > 0, "no checkpoint was saved before the last stop");
    }

    [Fact]
    public async Task The_lanes_write_as_many_at_once_as_the_restore_pool_allows_and_follow_its_resizing()
    {
        var sandbox = server.RequireSandbox();
        await using var bed = await FollowerTestBed.CreateAsync(server, "lanes", "a");
        var collection = bed.Source("a");
        await collection.InsertOneAsync(new BsonDocument("_id", -1), cancellationToken: Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");
        await using var follower = await ChangeStreamFollower.StartAsync(bed.Settings(restoreWorkers: 1, apply: new ApplyOptions { LaneCount = 16, MaxBatchOperations = 4 }), Ct);

        sandbox.Faults.Latency = TimeSpan.FromMilliseconds(15);
        try
        {
            await collection.InsertManyAsync(Enumerable.Range(0, 300).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);
            await bed.AssertCaughtUpAndEqualAsync(follower);
            Assert.Equal(1, follower.Progress.PeakActiveLanes);

            bed.Pools.AdjustRestoreWorkers(FollowerTestBed.JobId, 4);
            follower.ResetPeakLanes();
            await collection.InsertManyAsync(Enumerable.Range(300, 300).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);
            await bed.AssertCaughtUpAndEqualAsync(follower);
            Assert.InRange(follower.Progress.PeakActiveLanes, 2, 4);
        }
        finally
        {
            sandbox.Faults.Latency = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task A_rename_of_a_followed_collection_stops_following_with_the_reason_after_applying_what_came_before()
    {
        await using var bed = await FollowerTestBed.CreateAsync(server, "ddl", "a");
        var collection = bed.Source("a");
        await collection.InsertOneAsync(new BsonDocument("_id", 0), cancellationToken: Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");
        await using var follower = await ChangeStreamFollower.StartAsync(bed.Settings(), Ct);

        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        await server.Client.GetDatabase(bed.SourceDb).RenameCollectionAsync("a", "renamed", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<ChangeStreamStoppedException>(() => follower.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal("rename", error.OperationType);
        Assert.Contains(bed.SourceDb + ".a", error.Message, StringComparison.Ordinal);
        var target = server.Client.GetDatabase(bed.TargetDb).GetCollection<BsonDocument>("a");
        Assert.Equal(2, await target.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task Writes_the_target_fails_transiently_are_sent_again_and_the_target_ends_exact()
    {
        server.RequireSandbox();
        await using var targetServer = await SandboxServer.StartAsync(new SandboxOptions(), Ct);
        using var targetClient = new MongoClient(targetServer.ConnectionString);
        await using var bed = await FollowerTestBed.CreateAsync(server, "flaky", "a");
        bed.Target = targetClient;
        var collections = bed.Collections.Select(bed.Source).ToList();
        await ConcurrentWriter.SeedAsync(collections, 50, seed: 7, Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");
        await using var follower = await ChangeStreamFollower.StartAsync(bed.Settings(), Ct);

        targetServer.Faults.FailCommand("update", 11600, times: 3);
        targetServer.Faults.FailCommand("delete", 189, times: 2);
        await ConcurrentWriter.RunAsync(collections, 300, seed: 8, Ct);
        await bed.AssertCaughtUpAndEqualAsync(follower);
    }

    [Fact]
    public async Task A_spool_record_torn_by_a_crash_is_cut_off_and_captured_again_on_resume()
    {
        await using var bed = await FollowerTestBed.CreateAsync(server, "torn", "a");
        var collections = bed.Collections.Select(bed.Source).ToList();
        await ConcurrentWriter.SeedAsync(collections, 50, seed: 9, Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");
        await using (var first = await ChangeStreamFollower.StartAsync(bed.Settings(), Ct))
        {
            await ConcurrentWriter.RunAsync(collections, 200, seed: 10, Ct);
            await bed.AssertCaughtUpAndEqualAsync(first);
        }

        // The process died while writing a record: half of it is on disk.
        var last = Directory.GetFiles(bed.SpoolFolder).Order(StringComparer.Ordinal).Last();
        await using (var file = new FileStream(last, FileMode.Append, FileAccess.Write))
        {
            await file.WriteAsync(new byte[] { 200, 0, 0, 0, 1, 2, 3, 4, 5 }, Ct);
        }

        await ConcurrentWriter.RunAsync(collections, 200, seed: 11, Ct);
        await using var resumed = await ChangeStreamFollower.StartAsync(bed.Settings(), Ct);
        await bed.AssertCaughtUpAndEqualAsync(resumed);
    }

    [Fact]
    public async Task Index_builds_and_drops_are_applied_at_a_barrier_and_a_unique_index_is_built_without_uniqueness_until_cutover()
    {
        await using var bed = await FollowerTestBed.CreateAsync(server, "index", "a");
        var collection = bed.Source("a");
        await collection.InsertOneAsync(new BsonDocument { { "_id", 0 }, { "x", 1 } }, cancellationToken: Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");
        await using var follower = await ChangeStreamFollower.StartAsync(bed.Settings(), Ct);

        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("x"), new CreateIndexOptions { Name = "by_x" }), cancellationToken: Ct);
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Descending("y"), new CreateIndexOptions { Name = "by_y" }), cancellationToken: Ct);
        await collection.Indexes.DropOneAsync("by_y", Ct);
        await collection.InsertOneAsync(new BsonDocument { { "_id", 1 }, { "x", 2 } }, cancellationToken: Ct);
        await bed.AssertCaughtUpAndEqualAsync(follower);
        var names = await (await server.Client.GetDatabase(bed.TargetDb).GetCollection<BsonDocument>("a").Indexes.ListAsync(Ct)).ToListAsync(Ct);
        Assert.Equal(["_id_", "by_x"], names.Select(i => i["name"].AsString).Order(StringComparer.Ordinal));

        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("z"), new CreateIndexOptions { Unique = true, Sparse = true, Name = "z_unique" }), cancellationToken: Ct);
        await collection.InsertOneAsync(new BsonDocument { { "_id", 2 }, { "z", 1 } }, cancellationToken: Ct);
        await bed.AssertCaughtUpAndEqualAsync(follower);
        var relaxed = (await (await server.Client.GetDatabase(bed.TargetDb).GetCollection<BsonDocument>("a").Indexes.ListAsync(Ct)).ToListAsync(Ct)).Single(i => i["name"] == "z_unique");
        Assert.False(relaxed.GetValue("unique", false).AsBoolean, relaxed.ToJson());
        Assert.False(follower.Completion.IsCompleted);
    }
}
