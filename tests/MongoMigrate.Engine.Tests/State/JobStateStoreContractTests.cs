using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.State;

/// <summary>
/// What every job state store must do, whatever keeps the data: each change is whole or absent, survives the
/// death of its process, and chunk transitions only move forward (Restored is final). An implementation
/// derives from this class and says how to open a store and how its process dies.
/// </summary>
public abstract class JobStateStoreContractTests : IAsyncLifetime
{
    private const string JobId = "job-1";
    private const string Orders = "shop.orders";
    private const string Users = "shop.users";

    private readonly List<IJobStateStore> _opened = [];

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_job_is_created_with_all_its_collections_at_once()
    {
        var store = await OpenTrackedAsync();

        await CreateJobAsync(store);

        var job = await store.GetJobAsync(JobId, Ct);
        Assert.NotNull(job);
        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal("""{"source":"mongodb://a"}""", job.DefinitionJson);
        Assert.Equal(Time.GetUtcNow(), job.CreatedAt);
        var collections = await store.GetCollectionsAsync(JobId, Ct);
        Assert.Equal([Orders, Users], collections.Select(c => c.SourceNamespace));
        Assert.All(collections, c => Assert.Equal(CollectionStatus.Pending, c.Status));
        Assert.Equal("copy.orders", collections[0].TargetNamespace);
        Assert.Equal(5000, collections[0].EstimatedCount);
        Assert.Empty(await store.GetChunksAsync(JobId, Orders, Ct));
        Assert.Null(await store.GetJobAsync("other", Ct));
    }

    [Fact]
    public async Task Creating_a_job_that_exists_is_refused_and_changes_nothing()
    {
        var store = await OpenTrackedAsync();
        await CreateJobAsync(store);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CreateJobAsync(Job() with { DefinitionJson = "{}" }, [Collection("shop.other")], Ct));

        Assert.Equal("""{"source":"mongodb://a"}""", (await store.GetJobAsync(JobId, Ct))!.DefinitionJson);
        Assert.Equal(2, (await store.GetCollectionsAsync(JobId, Ct)).Count);
    }

    [Fact]
    public async Task Jobs_are_listed_oldest_first_and_updates_keep_their_time_and_error()
    {
        var store = await OpenTrackedAsync();
        await store.CreateJobAsync(Job() with { JobId = "later", CreatedAt = Time.GetUtcNow().AddHours(1) }, [], Ct);
        await CreateJobAsync(store);
        Time.Advance(TimeSpan.FromMinutes(3));

        await store.UpdateJobAsync(JobId, JobStatus.Failed, "1 collection(s) failed", Ct);

        Assert.Equal([JobId, "later"], (await store.ListJobsAsync(Ct)).Select(j => j.JobId));
        var job = (await store.GetJobAsync(JobId, Ct))!;
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("1 collection(s) failed", job.Error);
        Assert.Equal(Time.GetUtcNow(), job.UpdatedAt);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateJobAsync("missing", JobStatus.Stopped, null, Ct));
    }

    [Fact]
    public async Task A_plan_keeps_every_chunk_and_its_filter_byte_for_byte()
    {
        var store = await OpenTrackedAsync();
        await CreateJobAsync(store);
        var chunks = Chunks(Orders, 40);

        await store.SaveCollectionPlanAsync(JobId, Collection(Orders) with { Status = CollectionStatus.Planned }, chunks, Ct);

        var stored = await store.GetChunksAsync(JobId, Orders, Ct);
        Assert.Equal(40, stored.Count);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(i, stored[i].Index);
            Assert.Equal(chunks[i].Filter, stored[i].Filter);
            Assert.Equal(chunks[i].Description, stored[i].Description);
            Assert.Equal(ChunkStatus.Planned, stored[i].Status);
            Assert.Equal(Orders, stored[i].SourceNamespace);
        }

        var collection = (await store.GetCollectionsAsync(JobId, Ct)).Single(c => c.SourceNamespace == Orders);
        Assert.Equal(CollectionStatus.Planned, collection.Status);
        Assert.Equal(40, collection.ChunkCount);
        Assert.Empty(await store.GetChunksAsync(JobId, Users, Ct));
    }

    [Fact]
    public async Task A_change_that_fails_half_way_leaves_the_state_as_it_was_before_it()
    {
        var store = await OpenTrackedAsync();
        await CreateJobAsync(store);
        var chunks = Chunks(Orders, 10);
        chunks[7] = chunks[7] with { Index = 3 };

        await Assert.ThrowsAnyAsync<Exception>(() => store.SaveCollectionPlanAsync(JobId, Collection(Orders) with { Status = CollectionStatus.Planned }, chunks, Ct));

        Assert.Empty(await store.GetChunksAsync(JobId, Orders, Ct));
        Assert.Equal(CollectionStatus.Pending, (await store.GetCollectionsAsync(JobId, Ct)).Single(c => c.SourceNamespace == Orders).Status);
        await store.SaveCollectionPlanAsync(JobId, Collection(Orders) with { Status = CollectionStatus.Planned }, Chunks(Orders, 2), Ct);
        Assert.Equal(2, (await store.GetChunksAsync(JobId, Orders, Ct)).Count);
    }

    [Fact]
    public async Task A_plan_is_replaced_while_nothing_started_and_never_after()
    {
        var store = await PlannedStoreAsync(chunks: 3);

        await store.SaveCollectionPlanAsync(JobId, Collection(Orders) with { Status = CollectionStatus.Planned }, Chunks(Orders, 5), Ct);
        Assert.Equal(5, (await store.GetChunksAsync(JobId, Orders, Ct)).Count);
        await store.RecordAttemptAsync(JobId, Orders, 4, Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SaveCollectionPlanAsync(JobId, Collection(Orders), Chunks(Orders, 2), Ct));
        Assert.Equal(5, (await store.GetChunksAsync(JobId, Orders, Ct)).Count);
    }

    [Fact]
    public async Task A_chunk_goes_from_planned_to_dumped_to_restored_with_its_counts_file_and_checksum()
    {
        var store = await PlannedStoreAsync(chunks: 2);

        await store.RecordAttemptAsync(JobId, Orders, 1, Ct);
        Assert.True(await store.MarkChunkDumpedAsync(JobId, Orders, 1, 1234, 567_890, "chunks/shop/orders/000001.bson", ulong.MaxValue - 1, Ct));
        var dumped = (await store.GetChunksAsync(JobId, Orders, Ct))[1];
        Assert.Equal(ChunkStatus.Dumped, dumped.Status);
        Assert.Equal(1, dumped.Attempts);
        Assert.Equal(1234, dumped.Documents);
        Assert.Equal(567_890, dumped.Bytes);
        Assert.Equal("chunks/shop/orders/000001.bson", dumped.File);
        Assert.Equal(ulong.MaxValue - 1, dumped.Checksum);

        await store.RecordAttemptAsync(JobId, Orders, 1, Ct);
        await store.MarkChunkRestoredAsync(JobId, Orders, 1, 1234, 567_890, null, Ct);

        var restored = (await store.GetChunksAsync(JobId, Orders, Ct))[1];
        Assert.Equal(ChunkStatus.Restored, restored.Status);
        Assert.Equal(2, restored.Attempts);
        Assert.Null(restored.Error);
        Assert.Equal(ChunkStatus.Planned, (await store.GetChunksAsync(JobId, Orders, Ct))[0].Status);
    }

    [Fact]
    public async Task Restored_is_final_and_no_late_change_moves_a_chunk_back()
    {
        var store = await PlannedStoreAsync(chunks: 1);
        await store.MarkChunkRestoredAsync(JobId, Orders, 0, 10, 100, null, Ct);

        Assert.False(await store.MarkChunkDumpedAsync(JobId, Orders, 0, 9, 90, "late.bson", 1, Ct));
        Assert.False(await store.MarkChunkFailedAsync(JobId, Orders, 0, "a late failure", Ct));
        Assert.False(await store.ResetChunkAsync(JobId, Orders, 0, "a late reset", Ct));

        var chunk = Assert.Single(await store.GetChunksAsync(JobId, Orders, Ct));
        Assert.Equal(ChunkStatus.Restored, chunk.Status);
        Assert.Equal(10, chunk.Documents);
        Assert.Null(chunk.File);
        Assert.Null(chunk.Error);
    }

    [Fact]
    public async Task Only_a_dumped_chunk_is_reset_and_it_forgets_its_file()
    {
        var store = await PlannedStoreAsync(chunks: 2);
        await store.MarkChunkDumpedAsync(JobId, Orders, 0, 5, 50, "f.bson", 42, Ct);

        Assert.True(await store.ResetChunkAsync(JobId, Orders, 0, "the file was damaged", Ct));
        Assert.False(await store.ResetChunkAsync(JobId, Orders, 1, "not dumped", Ct));

        var chunk = (await store.GetChunksAsync(JobId, Orders, Ct))[0];
        Assert.Equal(ChunkStatus.Planned, chunk.Status);
        Assert.Null(chunk.File);
        Assert.Null(chunk.Checksum);
        Assert.Equal("the file was damaged", chunk.Error);
    }

    [Fact]
    public async Task A_failed_chunk_keeps_its_reason_until_it_is_done_again()
    {
        var store = await PlannedStoreAsync(chunks: 1);

        Assert.True(await store.MarkChunkFailedAsync(JobId, Orders, 0, "validation failed", Ct));
        Assert.Equal("validation failed", (await store.GetChunksAsync(JobId, Orders, Ct))[0].Error);
        Assert.Equal(ChunkStatus.Failed, (await store.GetChunksAsync(JobId, Orders, Ct))[0].Status);

        Assert.True(await store.MarkChunkDumpedAsync(JobId, Orders, 0, 1, 10, "f.bson", 7, Ct));
        Assert.Null((await store.GetChunksAsync(JobId, Orders, Ct))[0].Error);
    }

    [Fact]
    public async Task Changes_to_chunks_or_collections_that_do_not_exist_are_errors()
    {
        var store = await PlannedStoreAsync(chunks: 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordAttemptAsync(JobId, Orders, 9, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.MarkChunkDumpedAsync(JobId, Orders, 9, 1, 1, "f", 1, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.MarkChunkRestoredAsync(JobId, Orders, 9, 1, 1, null, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.MarkChunkFailedAsync(JobId, "shop.none", 0, "x", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.ResetChunkAsync(JobId, Orders, 9, "x", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateCollectionAsync(JobId, "shop.none", CollectionStatus.Copying, null, null, Ct));
    }

    [Fact]
    public async Task Collection_status_errors_index_problems_and_verification_are_kept()
    {
        var store = await PlannedStoreAsync(chunks: 1);

        await store.UpdateCollectionAsync(JobId, Orders, CollectionStatus.Failed, "2 chunk(s) failed", "index a_1: bad", Ct);
        await store.UpdateCollectionAsync(JobId, Orders, CollectionStatus.Copying, null, null, Ct);
        var copying = (await store.GetCollectionsAsync(JobId, Ct)).Single(c => c.SourceNamespace == Orders);
        Assert.Equal(CollectionStatus.Copying, copying.Status);
        Assert.Null(copying.Error);
        Assert.Equal("index a_1: bad", copying.IndexErrors);
        Assert.Null(copying.VerifiedDocuments);

        await store.CompleteCollectionAsync(JobId, Orders, null, 5000, null, Ct);
        var completed = (await store.GetCollectionsAsync(JobId, Ct)).Single(c => c.SourceNamespace == Orders);
        Assert.Equal(CollectionStatus.Completed, completed.Status);
        Assert.Equal(5000, completed.VerifiedDocuments);
        Assert.Null(completed.IndexErrors);
    }

    [Fact]
    public async Task Chunk_totals_count_chunks_documents_and_bytes_per_collection_and_status()
    {
        var store = await PlannedStoreAsync(chunks: 4);
        await store.SaveCollectionPlanAsync(JobId, Collection(Users) with { Status = CollectionStatus.Planned }, Chunks(Users, 1), Ct);
        await store.MarkChunkRestoredAsync(JobId, Orders, 0, 10, 100, null, Ct);
        await store.MarkChunkRestoredAsync(JobId, Orders, 1, 20, 200, null, Ct);
        await store.MarkChunkDumpedAsync(JobId, Orders, 2, 30, 300, "f", 1, Ct);

        var totals = await store.GetChunkTotalsAsync(JobId, Ct);

        Assert.Equal(new ChunkTotals(Orders, ChunkStatus.Restored, 2, 30, 300), totals.Single(t => t.SourceNamespace == Orders && t.Status == ChunkStatus.Restored));
        Assert.Equal(new ChunkTotals(Orders, ChunkStatus.Dumped, 1, 30, 300), totals.Single(t => t.SourceNamespace == Orders && t.Status == ChunkStatus.Dumped));
        Assert.Equal(1, totals.Single(t => t.SourceNamespace == Orders && t.Status == ChunkStatus.Planned).Chunks);
        Assert.Equal(1, totals.Single(t => t.SourceNamespace == Users).Chunks);
        Assert.Equal(4, totals.Count);
    }

    [Fact]
    public async Task Pool_settings_keep_the_last_counts_saved()
    {
        var store = await OpenTrackedAsync();
        await CreateJobAsync(store);
        Assert.Null(await store.GetPoolSettingsAsync(JobId, Ct));

        await store.SavePoolSettingsAsync(JobId, new PoolSettings(4, 4, 2), Ct);
        await store.SavePoolSettingsAsync(JobId, new PoolSettings(8, 3, 2), Ct);

        Assert.Equal(new PoolSettings(8, 3, 2), await store.GetPoolSettingsAsync(JobId, Ct));
    }

    [Fact]
    public async Task Errors_are_listed_newest_first_up_to_the_limit()
    {
        var store = await PlannedStoreAsync(chunks: 1);
        for (var i = 1; i <= 5; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await store.RecordErrorAsync(JobId, new ErrorRecord { At = Time.GetUtcNow(), Kind = ErrorKind.AttemptFailed, SourceNamespace = Orders, ChunkIndex = 0, Attempt = i, Message = $"attempt {i}" }, Ct);
        }

        await store.RecordErrorAsync(JobId, new ErrorRecord { At = Time.GetUtcNow(), Kind = ErrorKind.CollectionFailed, SourceNamespace = Users, Message = "gone" }, Ct);

        var errors = await store.GetErrorsAsync(JobId, 3, Ct);
        Assert.Equal(["gone", "attempt 5", "attempt 4"], errors.Select(e => e.Message));
        Assert.Equal(ErrorKind.CollectionFailed, errors[0].Kind);
        Assert.Null(errors[0].ChunkIndex);
        Assert.Equal(5, errors[1].Attempt);
        Assert.Equal(0, errors[1].ChunkIndex);
        Assert.Equal(Time.GetUtcNow(), errors[1].At);
    }

    [Fact]
    public async Task Every_change_survives_the_death_of_its_process_right_after_it()
    {
        var store = await OpenTrackedAsync();
        var steps = new (string What, Func<IJobStateStore, Task> Change, Func<IJobStateStore, Task> Check)[]
        {
            ("create", CreateJobAsync, async s => Assert.Equal(2, (await s.GetCollectionsAsync(JobId, Ct)).Count)),
            ("plan", s => s.SaveCollectionPlanAsync(JobId, Collection(Orders) with { Status = CollectionStatus.Planned }, Chunks(Orders, 3), Ct), async s => Assert.Equal(3, (await s.GetChunksAsync(JobId, Orders, Ct)).Count)),
            ("workers", s => s.SavePoolSettingsAsync(JobId, new PoolSettings(6, 5, 4), Ct), async s => Assert.Equal(new PoolSettings(6, 5, 4), await s.GetPoolSettingsAsync(JobId, Ct))),
            ("attempt", s => s.RecordAttemptAsync(JobId, Orders, 0, Ct), async s => Assert.Equal(1, (await s.GetChunksAsync(JobId, Orders, Ct))[0].Attempts)),
            ("dumped", s => s.MarkChunkDumpedAsync(JobId, Orders, 0, 7, 70, "f0", 99, Ct), async s => Assert.Equal(99UL, (await s.GetChunksAsync(JobId, Orders, Ct))[0].Checksum)),
            ("restored", s => s.MarkChunkRestoredAsync(JobId, Orders, 0, 7, 70, null, Ct), async s => Assert.Equal(ChunkStatus.Restored, (await s.GetChunksAsync(JobId, Orders, Ct))[0].Status)),
            ("failed", s => s.MarkChunkFailedAsync(JobId, Orders, 1, "boom", Ct), async s => Assert.Equal(ChunkStatus.Failed, (await s.GetChunksAsync(JobId, Orders, Ct))[1].Status)),
            ("error", s => s.RecordErrorAsync(JobId, new ErrorRecord { At = Time.GetUtcNow(), Kind = ErrorKind.ChunkFailed, Message = "boom" }, Ct), async s => Assert.Single(await s.GetErrorsAsync(JobId, 10, Ct))),
            ("collection", s => s.UpdateCollectionAsync(JobId, Orders, CollectionStatus.Copying, null, null, Ct), async s => Assert.Equal(CollectionStatus.Copying, (await s.GetCollectionsAsync(JobId, Ct))[0].Status)),
            ("stopped", s => s.UpdateJobAsync(JobId, JobStatus.Stopped, "stopped by the user", Ct), async s => Assert.Equal(JobStatus.Stopped, (await s.GetJobAsync(JobId, Ct))!.Status)),
        };

        // Each check holds from its change on, whatever later changes do.
        for (var i = 0; i < steps.Length; i++)
        {
            await steps[i].Change(store);
            var survivor = await ReopenAfterCrashAsync(store);
            _opened.Add(survivor);

            // Everything up to this change is there; nothing after it is.
            foreach (var done in steps.Take(i + 1))
            {
                await done.Check(survivor);
            }

            if (i < 5)
            {
                Assert.NotEqual(ChunkStatus.Restored, (await ChunksOrEmptyAsync(survivor))?.Status);
            }
        }
    }

    [Fact]
    public async Task A_crash_between_dumped_and_restored_never_shows_the_chunk_restored()
    {
        var store = await PlannedStoreAsync(chunks: 1);
        await store.RecordAttemptAsync(JobId, Orders, 0, Ct);
        await store.MarkChunkDumpedAsync(JobId, Orders, 0, 3, 30, "f0", 5, Ct);
        await store.RecordAttemptAsync(JobId, Orders, 0, Ct);

        var afterCrash = await ReopenAfterCrashAsync(store);
        _opened.Add(afterCrash);

        var chunk = Assert.Single(await afterCrash.GetChunksAsync(JobId, Orders, Ct));
        Assert.Equal(ChunkStatus.Dumped, chunk.Status);
        Assert.Equal("f0", chunk.File);
        Assert.Equal(5UL, chunk.Checksum);
        Assert.Equal(2, chunk.Attempts);
        Assert.DoesNotContain(await afterCrash.GetChunkTotalsAsync(JobId, Ct), t => t.Status == ChunkStatus.Restored);
    }

    [Fact]
    public async Task Everything_is_there_after_closing_and_opening_again()
    {
        var store = await PlannedStoreAsync(chunks: 2);
        await store.MarkChunkRestoredAsync(JobId, Orders, 1, 9, 99, null, Ct);
        await store.SavePoolSettingsAsync(JobId, new PoolSettings(2, 3, 4), Ct);

        var reopened = await ReopenAfterCloseAsync(store);
        _opened.Add(reopened);

        Assert.NotNull(await reopened.GetJobAsync(JobId, Ct));
        Assert.Equal(ChunkStatus.Restored, (await reopened.GetChunksAsync(JobId, Orders, Ct))[1].Status);
        Assert.Equal(new PoolSettings(2, 3, 4), await reopened.GetPoolSettingsAsync(JobId, Ct));
    }

    [Fact]
    public async Task Changes_made_at_the_same_time_each_take_effect_or_fail_alone_and_all_survive_a_crash()
    {
        var store = await PlannedStoreAsync(chunks: 200);

        // Two hundred chunk changes at once, and twenty that name chunks the plan does not have.
        var changes = Enumerable.Range(0, 220).Select(i => Task.Run(
            () => i < 200
                ? store.MarkChunkRestoredAsync(JobId, Orders, i, documents: i, bytes: 10L * i, null, Ct)
                : store.RecordAttemptAsync(JobId, Orders, 1000 + i, Ct),
            Ct)).ToList();
        var outcomes = await Task.WhenAll(changes.Select(async t =>
        {
            try
            {
                await t;
                return null;
            }
            catch (InvalidOperationException e)
            {
                return e;
            }
        }));

        Assert.All(outcomes.Take(200), Assert.Null);
        Assert.All(outcomes.Skip(200), e => Assert.Contains("no chunk", e!.Message, StringComparison.Ordinal));
        var afterCrash = await ReopenAfterCrashAsync(store);
        _opened.Add(afterCrash);
        var chunks = await afterCrash.GetChunksAsync(JobId, Orders, Ct);
        Assert.Equal(200, chunks.Count);
        Assert.All(chunks, c => Assert.Equal((ChunkStatus.Restored, (long)c.Index, 10L * c.Index), (c.Status, c.Documents, c.Bytes)));
    }

    [Fact]
    public async Task A_change_cancelled_before_it_is_made_is_not_made()
    {
        var store = await PlannedStoreAsync(chunks: 1);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.MarkChunkRestoredAsync(JobId, Orders, 0, 1, 1, null, cancelled.Token));

        Assert.Equal(ChunkStatus.Planned, Assert.Single(await store.GetChunksAsync(JobId, Orders, Ct)).Status);
    }

    /// <summary>A store holding nothing yet; later calls of one test open the same place.</summary>
    protected abstract Task<IJobStateStore> OpenAsync();

    /// <summary>A store on what the state holds after its process died just now, without closing <paramref name="store"/> or letting it finish anything.</summary>
    protected abstract Task<IJobStateStore> ReopenAfterCrashAsync(IJobStateStore store);

    /// <summary>Closes <paramref name="store"/> the ordinary way and opens the same state again.</summary>
    protected abstract Task<IJobStateStore> ReopenAfterCloseAsync(IJobStateStore store);

    [Fact]
    public async Task A_collection_keeps_the_uuids_of_both_sides_and_a_reset_forgets_its_plan_and_progress()
    {
        var store = await PlannedStoreAsync(chunks: 3);
        var source = Guid.NewGuid();
        var target = Guid.NewGuid();
        await store.SaveCollectionPlanAsync(JobId, Collection(Orders) with { Status = CollectionStatus.Copying, SourceUuid = source, TargetUuid = target }, Chunks(Orders, 3), Ct);
        await store.MarkChunkRestoredAsync(JobId, Orders, 0, 10, 100, 0xABCDEF, Ct);
        var saved = (await store.GetCollectionsAsync(JobId, Ct))[0];
        Assert.Equal((source, target), (saved.SourceUuid, saved.TargetUuid));
        Assert.Equal(0xABCDEFUL, (await store.GetChunksAsync(JobId, Orders, Ct))[0].SourceDigest);

        var recreated = Guid.NewGuid();
        await store.ResetCollectionAsync(JobId, saved with { Status = CollectionStatus.Pending, SourceUuid = recreated, TargetUuid = null, Error = "recreated" }, Ct);

        store = await ReopenAfterCrashAsync(store);
        _opened.Add(store);
        var reset = (await store.GetCollectionsAsync(JobId, Ct))[0];
        Assert.Equal((CollectionStatus.Pending, recreated, (Guid?)null, 0), (reset.Status, reset.SourceUuid, reset.TargetUuid, reset.ChunkCount));
        Assert.Empty(await store.GetChunksAsync(JobId, Orders, Ct));
        await store.SaveCollectionPlanAsync(JobId, reset with { Status = CollectionStatus.Copying }, Chunks(Orders, 2), Ct);
    }

    [Fact]
    public async Task Verified_chunks_keep_their_count_and_different_ones_go_back_to_be_copied_over_their_range()
    {
        var store = await PlannedStoreAsync(chunks: 3);
        for (var i = 0; i < 3; i++)
        {
            await store.MarkChunkRestoredAsync(JobId, Orders, i, 10, 100, null, Ct);
        }

        await store.RecordChunkVerificationsAsync(JobId, Orders, [new ChunkVerification(0, 10, null), new ChunkVerification(1, 7, "3 missing on the target"), new ChunkVerification(2, 10, null)], Ct);

        store = await ReopenAfterCrashAsync(store);
        _opened.Add(store);
        var chunks = await store.GetChunksAsync(JobId, Orders, Ct);
        Assert.Equal((ChunkStatus.Restored, 10L, false), (chunks[0].Status, chunks[0].VerifiedDocuments, chunks[0].ReplaceOnTarget));
        Assert.Equal((ChunkStatus.Planned, (long?)null, true, "3 missing on the target"), (chunks[1].Status, chunks[1].VerifiedDocuments, chunks[1].ReplaceOnTarget, chunks[1].Error));

        // Copied again: restored, not verified yet, nothing left to replace.
        await store.MarkChunkRestoredAsync(JobId, Orders, 1, 10, 100, null, Ct);
        var again = (await store.GetChunksAsync(JobId, Orders, Ct))[1];
        Assert.Equal((ChunkStatus.Restored, (long?)null, false), (again.Status, again.VerifiedDocuments, again.ReplaceOnTarget));
    }

    private static JobRecord Job() => new()
    {
        JobId = JobId,
        DefinitionJson = """{"source":"mongodb://a"}""",
        Status = JobStatus.Running,
        CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    private static CollectionRecord Collection(string ns) => new()
    {
        SourceNamespace = ns,
        TargetNamespace = ns.Replace("shop.", "copy.", StringComparison.Ordinal),
        Status = CollectionStatus.Pending,
        EstimatedCount = 5000,
        EstimatedBytes = 5_000_000,
    };

    private static List<ChunkRecord> Chunks(string ns, int count) => [.. Enumerable.Range(0, count).Select(i => new ChunkRecord
    {
        SourceNamespace = ns,
        Index = i,

        // Bytes of every value, zero included, as a raw BSON filter can hold them.
        Filter = [.. Enumerable.Range(0, 16 + i).Select(b => (byte)((b * 37) + i))],
        Description = $"_id [{i * 100}, {(i + 1) * 100})",
    })];

    private async Task<IJobStateStore> OpenTrackedAsync()
    {
        var store = await OpenAsync();
        _opened.Add(store);
        return store;
    }

    private Task CreateJobAsync(IJobStateStore store) => store.CreateJobAsync(Job(), [Collection(Orders), Collection(Users)], Ct);

    private async Task<IJobStateStore> PlannedStoreAsync(int chunks)
    {
        var store = await OpenTrackedAsync();
        await CreateJobAsync(store);
        await store.SaveCollectionPlanAsync(JobId, Collection(Orders) with { Status = CollectionStatus.Planned }, Chunks(Orders, chunks), Ct);
        return store;
    }

    private static async Task<ChunkRecord?> ChunksOrEmptyAsync(IJobStateStore store) =>
        (await store.GetChunksAsync(JobId, Orders, Ct)).FirstOrDefault();
}
