using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.ChangeStreams.Apply;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Tests.ChangeStreams;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.Verifying;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Verifying;

/// <summary>The continuous verification fed by a real following: the follower's applied changes queue their keys.</summary>
public sealed class ContinuousVerifierFollowingTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Changes_applied_by_the_follower_are_rechecked_and_a_target_that_lost_a_field_is_a_mismatch_at_the_gate()
    {
        await using var bed = await FollowerTestBed.CreateAsync(server, "recheck", "a");
        var source = bed.Source("a");
        var target = server.Client.GetDatabase(bed.TargetDb).GetCollection<BsonDocument>("a");
        await ConcurrentWriter.SeedAsync([source], 50, seed: 5, Ct);
        await ChangeStreamFollower.RecordStartAsync(server.Client, bed.Store, FollowerTestBed.JobId, Ct);
        await bed.CopyAsync("a");
        var clock = new FollowerClock(server.Client);
        var verifier = new ContinuousVerifier(server.Client, bed.Target, bed.Store.Rechecks, FollowerTestBed.JobId, ns => new NamespaceName(bed.TargetDb, ns.Collection), clock);
        await using var follower = await ChangeStreamFollower.StartAsync(bed.Settings(apply: new ApplyOptions { LaneCount = 4, CheckpointEveryRecords = 20, Rechecks = verifier }), Ct);
        clock.Follower = follower;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var rechecking = verifier.RunAsync(stop.Token);

        await ConcurrentWriter.RunAsync([source], 400, seed: 6, Ct);
        var quiet = await SourceClusterTime.ReadAsync(server.Client, Ct);
        var verdict = await verifier.WaitUntilRecheckedAsync(quiet, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.True(verdict.Equal, string.Join("; ", verdict.Mismatches.Select(m => m.Description)));
        Assert.Null(await bed.Store.Rechecks.GetOldestRecheckAsync(FollowerTestBed.JobId, ulong.MaxValue, Ct));

        // Something else writes the target: a field the source holds goes. The next change of that document sets another
        // field only, so the target stays different after the change is applied: a mismatch, said at the gate.
        var victim = (await source.Find(FilterDefinition<BsonDocument>.Empty).Limit(1).FirstAsync(Ct))["_id"];
        await target.UpdateOneAsync(new BsonDocument("_id", victim), new BsonDocument("$set", new BsonDocument("lost", true)), cancellationToken: Ct);
        await source.UpdateOneAsync(new BsonDocument("_id", victim), new BsonDocument("$set", new BsonDocument("touched", 1)), cancellationToken: Ct);
        var later = await SourceClusterTime.ReadAsync(server.Client, Ct);
        var found = await verifier.WaitUntilRecheckedAsync(later, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var mismatch = Assert.Single(found.Mismatches);
        Assert.False(found.Equal);
        Assert.Contains("different bytes", mismatch.Description, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, await verifier.LagAsync(Ct));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rechecking);
    }

    /// <summary>The follower as the verification's clock: its checkpoint's applied time, its wait, the source's time.</summary>
    private sealed class FollowerClock(IMongoClient source) : IAppliedClock
    {
        public ChangeStreamFollower? Follower { get; set; }

        public ulong AppliedTime => Follower?.Checkpoint.AppliedTime ?? 0;

        public Task WaitForAppliedAsync(ulong clusterTime, CancellationToken cancellationToken) =>
            Follower!.WaitForAppliedAsync(clusterTime, cancellationToken);

        public Task<ulong> SourceTimeAsync(CancellationToken cancellationToken) => SourceClusterTime.ReadAsync(source, cancellationToken);
    }
}
