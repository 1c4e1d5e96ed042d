using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.State;

/// <summary>
/// The recheck queue of the continuous verification as the SQLite job state keeps it: one row per document key however
/// often it changes, due once its changes are applied, bounded reads oldest first, generations of suspicion, and all of
/// it still there after the process dies or the store is closed.
/// </summary>
public sealed class SqliteRecheckQueueTests : IAsyncLifetime
{
    private const string JobId = "online";
    private const string Orders = "shop.orders";
    private const string Users = "shop.users";

    private readonly string _folder = Directory.CreateTempSubdirectory("mm-recheck-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private SqliteJobStateStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string StatePath => Path.Combine(_folder, "state.db");

    private IRecheckQueueStore Queue => _store.Rechecks;

    public async ValueTask InitializeAsync()
    {
        _store = await SqliteJobStateStore.OpenAsync(StatePath, _time, Ct);
        await CreateJobAsync(_store, JobId);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_key_changed_many_times_is_queued_once_with_its_first_and_latest_change()
    {
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(10)), (Orders, Id(1), T(12)), (Orders, Id(2), T(11))], Ct);
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(15)), (Orders, Id(1), T(9, 3))], Ct);

        var due = await Queue.GetRechecksDueAsync(JobId, ulong.MaxValue, 100, Ct);

        Assert.Equal(2, due.Count);
        var first = due.Single(e => e.Id.SequenceEqual(Id(1)));
        // A change that arrives late (an older cluster time) still moves the first change back, never the latest one.
        Assert.Equal((T(9, 3), T(15), 0), (first.FirstSeen, first.LastSeen, first.Generation));
        Assert.Equal(new RecheckQueueSize(2, T(9, 3), 0), await Queue.GetRecheckQueueSizeAsync(JobId, Ct));
    }

    [Fact]
    public async Task The_same_id_in_two_collections_or_two_jobs_is_two_keys()
    {
        await CreateJobAsync(_store, "other");
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(7), T(10)), (Users, Id(7), T(11))], Ct);
        await Queue.EnqueueRechecksAsync("other", [(Orders, Id(7), T(20))], Ct);

        var due = await Queue.GetRechecksDueAsync(JobId, ulong.MaxValue, 100, Ct);

        Assert.Equal([Orders, Users], due.Select(e => e.Namespace));
        Assert.Equal(T(20), Assert.Single(await Queue.GetRechecksDueAsync("other", ulong.MaxValue, 100, Ct)).FirstSeen);
        Assert.Equal(2, (await Queue.GetRecheckQueueSizeAsync(JobId, Ct)).Pending);
    }

    [Fact]
    public async Task A_key_is_due_only_once_its_latest_change_is_applied_and_reads_are_bounded_oldest_first()
    {
        // Ten keys, changed at seconds 100..109 in a shuffled order of arrival; key 3 changes again at 200.
        await Queue.EnqueueRechecksAsync(JobId, [.. new[] { 5, 2, 9, 0, 7, 1, 8, 3, 6, 4 }.Select(i => (Orders, Id(i), T(100 + (uint)i)))], Ct);
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(3), T(200))], Ct);

        Assert.Empty(await Queue.GetRechecksDueAsync(JobId, T(99), 100, Ct));
        Assert.Equal([0, 1, 2], Ids(await Queue.GetRechecksDueAsync(JobId, T(150), 3, Ct)));
        Assert.Equal([0, 1, 2, 4, 5, 6, 7, 8, 9], Ids(await Queue.GetRechecksDueAsync(JobId, T(150), 100, Ct)));
        Assert.Equal([0, 1, 2, 3], Ids(await Queue.GetRechecksDueAsync(JobId, T(200), 4, Ct)));
    }

    [Fact]
    public async Task Draining_in_bounded_batches_takes_every_key_once_and_leaves_the_queue_empty()
    {
        await Queue.EnqueueRechecksAsync(JobId, [.. Enumerable.Range(0, 23).Select(i => (Orders, Id(i), T(100 + (uint)i)))], Ct);

        var seen = new List<int>();
        var batches = 0;
        while (await Queue.GetRechecksDueAsync(JobId, T(1000), 5, Ct) is { Count: > 0 } batch)
        {
            Assert.InRange(batch.Count, 1, 5);
            seen.AddRange(Ids(batch));
            await Queue.RemoveRechecksAsync(JobId, batch, Ct);
            batches++;
        }

        Assert.Equal(Enumerable.Range(0, 23), seen);
        Assert.Equal(5, batches);
        Assert.Equal(new RecheckQueueSize(0, null, 0), await Queue.GetRecheckQueueSizeAsync(JobId, Ct));
        Assert.Null(await Queue.GetOldestRecheckAsync(JobId, ulong.MaxValue, Ct));
    }

    [Fact]
    public async Task A_key_changed_again_after_it_was_read_stays_queued_from_its_new_change_when_the_old_read_is_removed()
    {
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(10)), (Orders, Id(2), T(10, 2))], Ct);
        var read = await Queue.GetRechecksDueAsync(JobId, T(10, 2), 100, Ct);
        await Queue.MarkRechecksSuspectAsync(JobId, [read.Single(e => e.Id.SequenceEqual(Id(1)))], T(11), Ct);

        // Key 1 changes while its comparison ran: the equal result read before says nothing of the new change.
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(30))], Ct);
        await Queue.RemoveRechecksAsync(JobId, read, Ct);

        var left = Assert.Single(await Queue.GetRechecksDueAsync(JobId, ulong.MaxValue, 100, Ct));
        Assert.Equal(Id(1), left.Id);
        Assert.Equal((T(30), T(30)), (left.FirstSeen, left.LastSeen));
        Assert.Equal(((ulong?)null, (ulong?)null), (left.SuspectAt, left.SuspectLastSeen));
        Assert.Equal(T(30), await Queue.GetOldestRecheckAsync(JobId, ulong.MaxValue, Ct));
    }

    [Fact]
    public async Task Each_difference_found_starts_a_generation_that_waits_for_the_source_time_of_its_read()
    {
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(10)), (Orders, Id(2), T(12))], Ct);
        var first = Assert.Single(await Queue.GetRechecksDueAsync(JobId, T(10), 100, Ct));

        await Queue.MarkRechecksSuspectAsync(JobId, [first], T(20), Ct);

        // Not due again until the changes up to the read's source time are applied; the other key is unaffected.
        Assert.Equal([2], Ids(await Queue.GetRechecksDueAsync(JobId, T(19), 100, Ct)));
        var again = (await Queue.GetRechecksDueAsync(JobId, T(20), 100, Ct)).Single(e => e.Id.SequenceEqual(Id(1)));
        Assert.Equal((1, (ulong?)T(20), (ulong?)T(10), T(10)), (again.Generation, again.SuspectAt, again.SuspectLastSeen, again.FirstSeen));

        await Queue.MarkRechecksSuspectAsync(JobId, [again], T(25), Ct);

        var third = (await Queue.GetRechecksDueAsync(JobId, T(25), 100, Ct)).Single(e => e.Id.SequenceEqual(Id(1)));
        Assert.Equal((2, (ulong?)T(25)), (third.Generation, third.SuspectAt));
        // The verifier's lag still runs from the first change not settled.
        Assert.Equal(T(10), await Queue.GetOldestRecheckAsync(JobId, ulong.MaxValue, Ct));
        Assert.Null(await Queue.GetOldestRecheckAsync(JobId, T(9), Ct));
    }

    [Fact]
    public async Task A_mismatch_leaves_the_queue_and_a_cutover_asked_again_puts_every_mismatch_back_at_its_time()
    {
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(10)), (Orders, Id(2), T(11)), (Users, Id(3), T(12))], Ct);
        await Queue.RecordRecheckMismatchesAsync(JobId, [new RecheckMismatch(Orders, Id(1), "field a differs", T(40)), new RecheckMismatch(Users, Id(3), "missing on the target", T(41))], Ct);

        Assert.Equal([2], Ids(await Queue.GetRechecksDueAsync(JobId, ulong.MaxValue, 100, Ct)));
        Assert.Equal(new RecheckQueueSize(1, T(11), 2), await Queue.GetRecheckQueueSizeAsync(JobId, Ct));
        var mismatches = await Queue.GetRecheckMismatchesAsync(JobId, Ct);
        Assert.Equal([(Orders, "field a differs", T(40)), (Users, "missing on the target", T(41))], mismatches.Select(m => (m.Namespace, m.Description, m.ClusterTime)));
        Assert.Equal(Id(1), mismatches[0].Id);

        await Queue.RequeueRecheckMismatchesAsync(JobId, T(50), Ct);

        Assert.Empty(await Queue.GetRecheckMismatchesAsync(JobId, Ct));
        var queued = await Queue.GetRechecksDueAsync(JobId, T(50), 100, Ct);
        Assert.Equal([2, 1, 3], Ids(queued).Take(1).Concat(Ids(queued).Skip(1).Order()));
        Assert.All(queued.Where(e => !e.Id.SequenceEqual(Id(2))), e => Assert.Equal((T(50), T(50), 0), (e.FirstSeen, e.LastSeen, e.Generation)));
        Assert.Equal(new RecheckQueueSize(3, T(11), 0), await Queue.GetRecheckQueueSizeAsync(JobId, Ct));
    }

    [Fact]
    public async Task The_queue_its_generations_and_its_mismatches_survive_a_killed_process_and_a_closed_store()
    {
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(10)), (Orders, Id(2), T(11)), (Orders, Id(3), T(12))], Ct);
        var due = await Queue.GetRechecksDueAsync(JobId, T(12), 100, Ct);
        await Queue.MarkRechecksSuspectAsync(JobId, [due[1]], T(30), Ct);
        await Queue.RecordRecheckMismatchesAsync(JobId, [new RecheckMismatch(Orders, Id(3), "different", T(31))], Ct);

        // Killed: the files as they are while the connection is still open (no close, no checkpoint of the WAL).
        var copy = Path.Combine(_folder, "killed");
        Directory.CreateDirectory(copy);
        foreach (var suffix in new[] { string.Empty, "-wal" })
        {
            if (File.Exists(StatePath + suffix))
            {
                File.Copy(StatePath + suffix, Path.Combine(copy, "state.db" + suffix));
            }
        }

        await using (var killed = await SqliteJobStateStore.OpenAsync(Path.Combine(copy, "state.db"), _time, Ct))
        {
            await AssertResumedAsync(killed.Rechecks);
        }

        await _store.DisposeAsync();
        _store = await SqliteJobStateStore.OpenAsync(StatePath, _time, Ct);
        await AssertResumedAsync(Queue);

        // And it goes on from there: the suspect key is due again once its read's source time is applied.
        Assert.Equal([1], Ids(await Queue.GetRechecksDueAsync(JobId, T(29), 100, Ct)));
        Assert.Equal([1, 2], Ids(await Queue.GetRechecksDueAsync(JobId, T(30), 100, Ct)));

        static async Task AssertResumedAsync(IRecheckQueueStore queue)
        {
            var entries = await queue.GetRechecksDueAsync(JobId, ulong.MaxValue, 100, Ct);
            Assert.Equal([1, 2], Ids(entries));
            Assert.Equal((0, 1), (entries[0].Generation, entries[1].Generation));
            Assert.Equal((ulong?)T(30), entries[1].SuspectAt);
            Assert.Equal("different", Assert.Single(await queue.GetRecheckMismatchesAsync(JobId, Ct)).Description);
            Assert.Equal(new RecheckQueueSize(2, T(10), 1), await queue.GetRecheckQueueSizeAsync(JobId, Ct));
        }
    }

    [Fact]
    public async Task A_sync_back_keeps_its_own_queue_and_mismatches_beside_the_forward_ones_of_the_same_job()
    {
        var back = _store.SyncBackRechecks;
        await Queue.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(10))], Ct);
        await Queue.RecordRecheckMismatchesAsync(JobId, [new RecheckMismatch(Orders, Id(9), "forward", T(11))], Ct);
        await back.EnqueueRechecksAsync(JobId, [(Orders, Id(1), T(50)), (Users, Id(2), T(51))], Ct);

        Assert.Equal(new RecheckQueueSize(1, T(10), 1), await Queue.GetRecheckQueueSizeAsync(JobId, Ct));
        Assert.Equal(new RecheckQueueSize(2, T(50), 0), await back.GetRecheckQueueSizeAsync(JobId, Ct));

        await back.RemoveRechecksAsync(JobId, await back.GetRechecksDueAsync(JobId, ulong.MaxValue, 100, Ct), Ct);
        await back.RecordRecheckMismatchesAsync(JobId, [new RecheckMismatch(Users, Id(2), "back", T(52))], Ct);

        Assert.Equal(T(10), Assert.Single(await Queue.GetRechecksDueAsync(JobId, ulong.MaxValue, 100, Ct)).FirstSeen);
        Assert.Equal("forward", Assert.Single(await Queue.GetRecheckMismatchesAsync(JobId, Ct)).Description);
        Assert.Equal("back", Assert.Single(await back.GetRecheckMismatchesAsync(JobId, Ct)).Description);
        Assert.Equal(new RecheckQueueSize(0, null, 1), await back.GetRecheckQueueSizeAsync(JobId, Ct));
    }

    /// <summary>A cluster time as the 64-bit integer the queue stores: seconds in the high half, the increment in the low.</summary>
    private static ulong T(uint seconds, uint increment = 1) => ((ulong)seconds << 32) | increment;

    /// <summary>A key as the follower queues it: the raw BSON of <c>{_id: value}</c>.</summary>
    private static byte[] Id(int value) => new BsonDocument("_id", value).ToBson();

    private static List<int> Ids(IEnumerable<RecheckEntry> entries) => [.. entries.Select(e => MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonDocument>(e.Id)["_id"].AsInt32)];

    private static Task CreateJobAsync(SqliteJobStateStore store, string jobId) => store.CreateJobAsync(
        new JobRecord { JobId = jobId, DefinitionJson = "{}", Status = JobStatus.Running, CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch },
        [],
        Ct);
}
