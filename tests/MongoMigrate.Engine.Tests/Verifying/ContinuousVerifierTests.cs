using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.Verifying;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Verifying;

/// <summary>
/// The continuous verification's engine, fed by the test as the follower would feed it: keys of applied changes, and a
/// clock of how far changes are applied. One server holds both sides (the target is another database), so the same
/// tests run on the sandbox and on a real MongoDB.
/// </summary>
public sealed class ContinuousVerifierTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>, IAsyncLifetime
{
    private const string JobId = "online";
    private readonly string _folder = Directory.CreateTempSubdirectory("mm-recheck-").FullName;
    private readonly string _a = server.NewDatabaseName("ra");
    private readonly string _b = server.NewDatabaseName("rb");
    private readonly TestClock _clock = new();
    private SqliteJobStateStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string StatePath => Path.Combine(_folder, "state.db");

    public async ValueTask InitializeAsync()
    {
        _store = await SqliteJobStateStore.OpenAsync(StatePath, cancellationToken: Ct);
        var now = DateTimeOffset.UnixEpoch;
        await _store.CreateJobAsync(new JobRecord { JobId = JobId, DefinitionJson = "{}", Status = JobStatus.Running, CreatedAt = now, UpdatedAt = now }, [], Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_document_whose_change_reached_the_target_leaves_the_queue_and_the_gate_passes()
    {
        await WriteAsync(_a, 1, "x");
        await WriteAsync(_b, 1, "x");
        var verifier = Verifier();
        await verifier.EnqueueAsync([Key(1, 10)], Ct);
        _clock.Apply(10);

        var verdict = await verifier.WaitUntilRecheckedAsync(10, Ct);

        Assert.True(verdict.Equal);
        Assert.Null(await _store.Rechecks.GetOldestRecheckAsync(JobId, ulong.MaxValue, Ct));
        Assert.Equal(TimeSpan.Zero, await verifier.LagAsync(Ct));
    }

    [Fact]
    public async Task A_document_that_still_differs_after_its_changes_are_applied_is_a_mismatch_the_gate_reports()
    {
        await WriteAsync(_a, 2, "source");
        await WriteAsync(_b, 2, "target");
        var verifier = Verifier();
        await verifier.EnqueueAsync([Key(2, 10)], Ct);
        _clock.Apply(10);
        _clock.SourceTime = 20;

        // Different now, but a change read by the source at 20 may still be on its way: not a mismatch yet.
        Assert.Equal(new RecheckGeneration(1, 0, 1, 0), await verifier.RunGenerationAsync(Ct));
        Assert.Equal(new RecheckGeneration(0, 0, 0, 0), await verifier.RunGenerationAsync(Ct));
        var gate = verifier.WaitUntilRecheckedAsync(10, Ct);
        Assert.False(gate.IsCompleted);

        _clock.Apply(20);
        var verdict = await gate.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var mismatch = Assert.Single(verdict.Mismatches);
        Assert.False(verdict.Equal);
        Assert.Equal($"{_a}.c", mismatch.Namespace);
        Assert.Equal("different bytes: _id 2, first at v", mismatch.Description);
        Assert.Null(await _store.Rechecks.GetOldestRecheckAsync(JobId, ulong.MaxValue, Ct));
    }

    [Fact]
    public async Task A_difference_whose_change_was_still_on_its_way_is_not_a_mismatch()
    {
        await WriteAsync(_a, 3, "new");
        await WriteAsync(_b, 3, "old");
        var verifier = Verifier();
        await verifier.EnqueueAsync([Key(3, 10)], Ct);
        _clock.Apply(10);
        _clock.SourceTime = 20;
        Assert.Equal(1, (await verifier.RunGenerationAsync(Ct)).Suspect);

        // The change that made the difference arrives: applied to the target, its key queued again.
        await WriteAsync(_b, 3, "new");
        await verifier.EnqueueAsync([Key(3, 15)], Ct);
        _clock.Apply(20);

        var verdict = await verifier.WaitUntilRecheckedAsync(15, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.True(verdict.Equal, string.Join("; ", verdict.Mismatches.Select(m => m.Description)));
    }

    [Fact]
    public async Task Keys_are_queued_once_whatever_their_changes_durably_and_the_lag_runs_from_the_oldest()
    {
        var verifier = Verifier();
        await verifier.EnqueueAsync([Key(4, Seconds(90)), Key(4, Seconds(95)), Key(5, Seconds(99))], Ct);
        await verifier.EnqueueAsync([Key(4, Seconds(97))], Ct);
        _clock.SourceTime = Seconds(100);

        await using var reopened = await SqliteJobStateStore.OpenAsync(StatePath, cancellationToken: Ct);
        var queued = await reopened.Rechecks.GetRechecksDueAsync(JobId, ulong.MaxValue, 100, Ct);

        Assert.Equal(2, queued.Count);
        var four = Assert.Single(queued, e => new RawDocument(e.Id)["_id"].AsInt32 == 4);
        Assert.Equal((Seconds(90), Seconds(97)), (four.FirstSeen, four.LastSeen));
        Assert.Equal(TimeSpan.FromSeconds(10), await verifier.LagAsync(Ct));
        Assert.Empty(await reopened.Rechecks.GetRechecksDueAsync(JobId, Seconds(96), 100, Ct));
    }

    [Fact]
    public async Task A_document_deleted_on_both_sides_is_equal_and_one_left_on_the_target_is_a_mismatch()
    {
        await WriteAsync(_b, 7, "stale");
        var verifier = Verifier();
        await verifier.EnqueueAsync([Key(6, 10), Key(7, 10)], Ct);
        _clock.Apply(10);

        Assert.Equal(new RecheckGeneration(2, 1, 1, 0), await verifier.RunGenerationAsync(Ct));
        _clock.Apply(11);
        var verdict = await verifier.WaitUntilRecheckedAsync(10, Ct);

        Assert.Equal("only on the target: _id 7", Assert.Single(verdict.Mismatches).Description);
    }

    private static ulong Seconds(uint seconds) => (ulong)seconds << 32;

    private ContinuousVerifier Verifier() =>
        new(server.Client, server.Client, _store.Rechecks, JobId, ns => new NamespaceName(_b, ns.Collection), _clock);

    private RecheckKey Key(int id, ulong time) =>
        new($"{_a}.c", new BsonBuilder().StartDocument().Int32("_id", id).End().ToArray(), time);

    private Task WriteAsync(string database, int id, string value) =>
        server.Client.GetDatabase(database).GetCollection<BsonDocument>("c").ReplaceOneAsync(
            new BsonDocument("_id", id),
            new BsonDocument { { "_id", id }, { "v", value } },
            new ReplaceOptions { IsUpsert = true },
            Ct);
}
