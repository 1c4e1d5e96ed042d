using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>Resume: finished work is never redone, unfinished work is redone idempotently, and the target ends exact.</summary>
public sealed class ResumeTests(JobTestBed bed) : IClassFixture<JobTestBed>
{
    private readonly JobTestBed _bed = bed;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task A_stopped_job_carries_on_where_it_stopped_and_counts_the_documents_of_both_runs(CopyMethod method)
    {
        var jobId = $"stop-{method}";
        var options = _bed.Options(method, jobId, $"stop{method}");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var first = await _bed.Job(options, Spy(onChange: (change, count) =>
        {
            if (change == "MarkChunkRestored" && count == 3)
            {
                _ = stop.CancelAsync();
            }
        })).RunAsync(stop.Token);

        Assert.Equal(JobStatus.Stopped, first.Status);
        Assert.Contains($"--resume --job-id {jobId}", first.Reason, StringComparison.Ordinal);
        Assert.InRange(first.Documents, 1, _bed.TotalDocuments - 1);
        var before = await RestoredChunksAsync(jobId);
        Assert.InRange(before.Count, 3, 6);
        await using (var state = await _bed.OpenStateAsync(jobId, Ct))
        {
            Assert.Equal(JobStatus.Stopped, (await state.GetJobAsync(jobId, Ct))!.Status);
        }

        var second = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, second.Status);
        Assert.True(second.Resumed);
        Assert.True(second.Verified);
        Assert.Equal(_bed.TotalDocuments, second.Documents);
        Assert.Equal(_bed.TotalDocuments - first.Documents, second.DocumentsThisRun);
        var after = await RestoredChunksAsync(jobId);
        foreach (var (key, chunk) in before)
        {
            // Not one more attempt: a restored chunk is left alone.
            Assert.Equal(chunk.Attempts, after[key].Attempts);
        }

        await _bed.AssertTargetEqualsSourceAsync(Ct, $"stop{method}");
    }

    [Fact]
    public async Task Dumped_chunks_are_restored_from_their_files_and_damaged_or_missing_files_are_dumped_again()
    {
        const string jobId = "files";
        var options = _bed.Options(CopyMethod.DumpRestore, jobId, "files");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var job = _bed.Job(options, Spy(onChange: (change, count) =>
        {
            if (change == "MarkChunkDumped" && count == 5)
            {
                _ = stop.CancelAsync();
            }
        }));
        var run = job.RunAsync(stop.Token);
        await job.Started;

        // Nothing is restored while the restore pool is at zero: chunks stay Dumped, their files wait.
        job.Steering.AdjustRestoreWorkers(0);
        Assert.Equal(JobStatus.Stopped, (await run).Status);

        List<ChunkRecord> dumped;
        await using (var state = await _bed.OpenStateAsync(jobId, Ct))
        {
            dumped = [.. (await AllChunksAsync(state, jobId)).Where(c => c.Status == ChunkStatus.Dumped)];
        }

        Assert.True(dumped.Count >= 5, $"{dumped.Count} chunks dumped");
        var chunkFolder = Path.Combine(_bed.Work, jobId, "chunks");
        var damaged = Path.Combine(_bed.Work, jobId, dumped[0].File!);
        var bytes = await File.ReadAllBytesAsync(damaged, Ct);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(damaged, bytes, Ct);
        File.Delete(Path.Combine(_bed.Work, jobId, dumped[1].File!));
        var orphan = Path.Combine(chunkFolder, "app", "padded", "000099.bson");
        var partial = Path.Combine(chunkFolder, "app", "padded", ".partial-0123456789abcdef");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        await File.WriteAllTextAsync(orphan, "left by a run killed after its rename", Ct);
        await File.WriteAllTextAsync(partial, "left by a run killed while writing", Ct);

        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        Assert.True(resumed.Verified);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "files");
        Assert.Empty(Directory.EnumerateFiles(chunkFolder, "*", SearchOption.AllDirectories));
        await using (var state = await _bed.OpenStateAsync(jobId, Ct))
        {
            var chunks = (await AllChunksAsync(state, jobId)).ToDictionary(c => (c.SourceNamespace, c.Index));
            Assert.All(chunks.Values, c => Assert.Equal(ChunkStatus.Restored, c.Status));

            // Dumped once and restored once; the damaged and the missing ones were dumped a second time.
            Assert.Equal(3, chunks[(dumped[0].SourceNamespace, dumped[0].Index)].Attempts);
            Assert.Equal(3, chunks[(dumped[1].SourceNamespace, dumped[1].Index)].Attempts);
            Assert.Equal(2, chunks[(dumped[2].SourceNamespace, dumped[2].Index)].Attempts);
        }
    }

    [Fact]
    public async Task A_collection_whose_plan_was_never_saved_is_planned_when_the_job_resumes()
    {
        const string jobId = "unplanned";
        var options = _bed.Options(CopyMethod.DumpRestore, jobId, "unplanned");
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        CrashingJobStateStore? store = null;
        var job = _bed.Job(options, inner => store = new CrashingJobStateStore(inner, _bed.TargetClient, 0, () => _ = kill.CancelAsync()) { CrashOn = "SaveCollectionPlan" });

        await Assert.ThrowsAnyAsync<Exception>(() => job.RunAsync(kill.Token));
        Assert.Equal("SaveCollectionPlan", store!.CrashedAt);

        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "unplanned");
    }

    [Fact]
    public async Task A_collection_that_failed_while_planning_is_planned_and_copied_when_the_job_resumes()
    {
        const string jobId = "planfail";
        var options = _bed.Options(CopyMethod.Direct, jobId, "planfail");

        // The planner's probe of _id types fails once, for good (13: Unauthorized): one collection cannot be planned.
        _bed.Source.Faults.FailCommand("find", 13, times: 1);
        var first = await _bed.Job(options).RunAsync(Ct);
        _bed.Source.Faults.Clear();

        Assert.Equal(JobStatus.Failed, first.Status);
        var failed = Assert.Single(first.Collections, c => c.Status == CollectionStatus.Failed);
        Assert.Equal(0, failed.Chunks);

        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        Assert.True(resumed.Verified);
        Assert.Equal(_bed.TotalDocuments, resumed.Documents);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "planfail");
    }

    [Fact]
    public async Task A_resumed_job_keeps_its_settings_and_the_worker_counts_it_last_ran_with_unless_given_new_ones()
    {
        const string jobId = "settings";
        var options = _bed.Options(CopyMethod.Direct, jobId, "settings") with { DumpWorkers = 3, RestoreWorkers = 3, InsertionWorkers = 3 };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var job = _bed.Job(options, Spy(onChange: (change, count) =>
        {
            if (change == "MarkChunkRestored" && count == 2)
            {
                _ = stop.CancelAsync();
            }
        }));
        var run = job.RunAsync(stop.Token);
        await job.Started;
        job.Steering.AdjustDumpWorkers(5);
        job.Steering.AdjustRestoreWorkers(2);
        Assert.Equal(JobStatus.Stopped, (await run).Status);

        // Given other values, but none typed: the job's own come back.
        var resumed = _bed.Job(_bed.Options(CopyMethod.DumpRestore, jobId, "settings") with { Resume = true, DumpWorkers = 1, RestoreWorkers = 1, ResumeOverrides = JobSettings.None });
        var resumedRun = resumed.RunAsync(Ct);
        await resumed.Started;
        Assert.Equal(CopyMethod.Direct, resumed.Options.Method);
        Assert.Equal(new PoolSettings(5, 2, 3), resumed.Steering.Settings);
        Assert.Equal((5, 2), (resumed.Options.DumpWorkers, resumed.Options.RestoreWorkers));
        Assert.Equal(JobStatus.Completed, (await resumedRun).Status);

        // A setting typed again wins, and is what the job runs with from then on.
        var again = _bed.Job(options with { Resume = true, DumpWorkers = 7, ResumeOverrides = JobSettings.DumpWorkers });
        var summary = await again.RunAsync(Ct);
        Assert.Equal(new PoolSettings(7, 2, 3), again.Steering.Settings);
        await using var state = await _bed.OpenStateAsync(jobId, Ct);
        Assert.Equal(new PoolSettings(7, 2, 3), await state.GetPoolSettingsAsync(jobId, Ct));

        // A completed job resumed does nothing, and still shows the proof its earlier run made.
        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.Equal(0, summary.DocumentsThisRun);
        Assert.Equal(_bed.TotalDocuments, summary.Documents);
        Assert.True(summary.Verified);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "settings");
    }

    [Fact]
    public async Task A_resume_with_other_deployments_or_another_selection_is_refused()
    {
        const string jobId = "refuse";
        var options = _bed.Options(CopyMethod.Direct, jobId, "refuse") with { Selection = new Engine.Namespaces.NamespaceSelection(["app.customers"], [], [("app.*", "refuse.*")]) };
        Assert.Equal(JobStatus.Completed, (await _bed.Job(options).RunAsync(Ct)).Status);

        var otherTarget = new MigrationJob(
            MongoMigrate.Engine.Connections.MongoEndpoint.Parse("source", _bed.Source.ConnectionString),
            MongoMigrate.Engine.Connections.MongoEndpoint.Parse("target", _bed.Source.ConnectionString),
            options with { Resume = true },
            _bed.Coordinator,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var error = await Assert.ThrowsAsync<MigrationException>(() => otherTarget.RunAsync(Ct));
        Assert.Contains("Give the job's own --source and --target", error.Message, StringComparison.Ordinal);

        var otherSelection = _bed.Job(options with { Resume = true, Selection = new Engine.Namespaces.NamespaceSelection(["app.events"], [], []) });
        error = await Assert.ThrowsAsync<MigrationException>(() => otherSelection.RunAsync(Ct));
        Assert.Contains("a resumed job keeps it", error.Message, StringComparison.Ordinal);

        error = await Assert.ThrowsAsync<MigrationException>(() => _bed.Job(options).RunAsync(Ct));
        Assert.Contains("pass --resume", error.Message, StringComparison.Ordinal);

        error = await Assert.ThrowsAsync<MigrationException>(() => _bed.Job(options with { JobId = "nothing-here", Resume = true }).RunAsync(Ct));
        Assert.Contains("There is no job nothing-here", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_bed.Work, "nothing-here")));
    }

    [Fact]
    public async Task A_resumed_job_stopped_while_it_connects_says_it_stopped_and_stays_resumable()
    {
        const string jobId = "stopconnect";
        var options = _bed.Options(CopyMethod.Direct, jobId, "stopconnect");
        using (var first = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var stopped = await _bed.Job(options, Spy(onChange: (change, count) =>
            {
                if (change == "MarkChunkRestored" && count == 2)
                {
                    _ = first.CancelAsync();
                }
            })).RunAsync(first.Token);
            Assert.Equal(JobStatus.Stopped, stopped.Status);
        }

        // The source holds its first ping for long: the resumed run is stopped (Ctrl+C) while it connects.
        _bed.Source.Faults.Add(new Sandbox.Faults.FailPoint { Commands = ["ping"], Delay = TimeSpan.FromSeconds(30), Times = 1 });
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var job = _bed.Job(options with { Resume = true });
            var run = job.RunAsync(stop.Token);
            while (job.Progress.Phase != "connecting" && !run.IsCompleted)
            {
                await Task.Delay(10, Ct);
            }

            await Task.Delay(200, Ct);
            await stop.CancelAsync();
            var summary = await run;

            Assert.Equal(JobStatus.Stopped, summary.Status);
            Assert.True(summary.Resumed);
            Assert.Contains($"--resume --job-id {jobId}", summary.Reason, StringComparison.Ordinal);
            await using var state = await _bed.OpenStateAsync(jobId, Ct);
            Assert.Equal(JobStatus.Stopped, (await state.GetJobAsync(jobId, Ct))!.Status);
        }
        finally
        {
            _bed.Source.Faults.Clear();
        }

        var last = await _bed.Job(options with { Resume = true }).RunAsync(Ct);
        Assert.Equal(JobStatus.Completed, last.Status);
        Assert.Equal(_bed.TotalDocuments, last.Documents);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "stopconnect");
    }

    [Fact]
    public async Task An_index_build_cut_short_is_finished_on_resume()
    {
        const string jobId = "indexes";
        var items = _bed.SourceClient.GetDatabase("idx").GetCollection<BsonDocument>("items");
        await items.InsertManyAsync(Enumerable.Range(0, 500).Select(i => new BsonDocument { { "_id", i }, { "type", i % 7 }, { "at", i * 3 } }), cancellationToken: Ct);
        await items.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{type: 1, at: -1}"), cancellationToken: Ct);
        var options = _bed.Options(CopyMethod.Direct, jobId) with { Selection = new Engine.Namespaces.NamespaceSelection(["idx.*"], [], [("idx.*", "idxcopy.*")]) };

        // Killed as the collection is about to be recorded complete: after its indexes were built.
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        CrashingJobStateStore? store = null;
        var job = _bed.Job(options, inner => store = new CrashingJobStateStore(inner, _bed.TargetClient, 0, () => _ = kill.CancelAsync()) { CrashOn = "CompleteCollection" });
        await Assert.ThrowsAnyAsync<Exception>(() => job.RunAsync(kill.Token));
        Assert.Equal("CompleteCollection", store!.CrashedAt);

        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        Assert.Empty(Assert.Single(resumed.Collections).IndexErrors);
        await TargetComparisonFor("idx", "idxcopy");
    }

    [Fact]
    public async Task A_collection_is_marked_copied_only_when_index_builds_or_a_verification_come_after_its_copy()
    {
        var db = _bed.SourceClient.GetDatabase("marks");
        await db.GetCollection<BsonDocument>("plain").InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument("_id", i)), cancellationToken: Ct);
        var indexed = db.GetCollection<BsonDocument>("indexed");
        await indexed.InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument { { "_id", i }, { "k", i % 3 } }), cancellationToken: Ct);
        await indexed.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{k: 1}"), cancellationToken: Ct);
        var options = _bed.Options(CopyMethod.Direct, "marks") with { Selection = new Engine.Namespaces.NamespaceSelection(["marks.*"], [], [("marks.*", "marksnoverify.*")]), Verify = false };

        var unverified = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var first = await _bed.Job(options, Spy((change, _) => unverified.Enqueue(change))).RunAsync(Ct);
        var verified = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var second = await _bed.Job(
            options with { JobId = "marks-verified", Verify = true, Selection = new Engine.Namespaces.NamespaceSelection(["marks.*"], [], [("marks.*", "marksverified.*")]) },
            Spy((change, _) => verified.Enqueue(change))).RunAsync(Ct);

        Assert.Equal((JobStatus.Completed, JobStatus.Completed), (first.Status, second.Status));
        Assert.Single(unverified, c => c == "UpdateCollection(Copied)");
        Assert.Equal(2, unverified.Count(c => c == "CompleteCollection"));
        Assert.Equal(2, verified.Count(c => c == "UpdateCollection(Copied)"));
        await TargetComparisonFor("marks", "marksnoverify");
        await TargetComparisonFor("marks", "marksverified");
    }

    private Task TargetComparisonFor(string source, string target) =>
        MongoMigrate.Testing.TargetComparison.AssertEqualAsync(_bed.SourceClient, _bed.TargetClient, source, target, Ct);

    private Func<IJobStateStore, IJobStateStore> Spy(Action<string, int> onChange) =>
        inner => new CrashingJobStateStore(inner, _bed.TargetClient, 0, null) { OnChange = onChange };

    private async Task<Dictionary<(string, int), ChunkRecord>> RestoredChunksAsync(string jobId)
    {
        await using var state = await _bed.OpenStateAsync(jobId, Ct);
        return (await AllChunksAsync(state, jobId)).Where(c => c.Status == ChunkStatus.Restored).ToDictionary(c => (c.SourceNamespace, c.Index));
    }

    private static async Task<List<ChunkRecord>> AllChunksAsync(IJobStateStore state, string jobId)
    {
        var all = new List<ChunkRecord>();
        foreach (var collection in await state.GetCollectionsAsync(jobId, Ct))
        {
            all.AddRange(await state.GetChunksAsync(jobId, collection.SourceNamespace, Ct));
        }

        return all;
    }
}
