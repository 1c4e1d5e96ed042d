using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using MongoMigrate.Datasets;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>
/// A verification that finds differences sends exactly the chunks that differ back to be copied over their ranges,
/// says whether the source or the target changed, and a resumed run repairs them; a completed job resumed is verified
/// again rather than showing its old proof.
/// </summary>
public sealed class CollectionVerificationTests : IAsyncLifetime
{
    private readonly string _work = Directory.CreateTempSubdirectory("mm-verify-").FullName;
    private readonly WorkerPoolCoordinator _coordinator = new();
    private SandboxServer _source = null!;
    private SandboxServer _target = null!;
    private MongoClient _sourceClient = null!;
    private MongoClient _targetClient = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IMongoCollection<BsonDocument> SourceItems => _sourceClient.GetDatabase("victim").GetCollection<BsonDocument>("items");

    private IMongoCollection<BsonDocument> TargetItems => _targetClient.GetDatabase("copy").GetCollection<BsonDocument>("items");

    public async ValueTask InitializeAsync()
    {
        _source = await SandboxServer.StartAsync(cancellationToken: Ct);
        _target = await SandboxServer.StartAsync(cancellationToken: Ct);
        _sourceClient = new MongoClient(_source.ConnectionString);
        _targetClient = new MongoClient(_target.ConnectionString);
        await new DatasetWriter(_sourceClient).WriteAllAsync(
            "victim",
            [new CollectionSpec { Name = "items", Documents = 4000, Ids = IdKind.Int64, Body = DocumentShapes.Padded(1000) }],
            seed: 11,
            progress: null,
            Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _coordinator.Dispose();
        _sourceClient.Dispose();
        _targetClient.Dispose();
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task A_target_that_lost_documents_before_the_verification_is_repaired_by_resume_copying_only_the_chunks_that_differ(CopyMethod method)
    {
        var jobId = $"lost-{method}";
        var first = await Job(Options(method, jobId), async (change, _) =>
        {
            if (change == "UpdateCollection(Copied)")
            {
                // Between the copy and its proof, the target loses ten documents and one changes.
                await TargetItems.DeleteManyAsync(Builders<BsonDocument>.Filter.Lt("_id", 10L), Ct);
                await TargetItems.UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 3999L), Builders<BsonDocument>.Update.Set("stray", true), cancellationToken: Ct);
            }
        }).RunAsync(Ct);

        Assert.Equal(JobStatus.Failed, first.Status);
        var failed = Assert.Single(first.Collections);
        Assert.Equal((10L, 1L), (failed.Verification!.Missing, failed.Verification.Different));
        Assert.Contains("The source is unchanged since it was copied", failed.Error, StringComparison.Ordinal);
        Assert.Contains("--resume", failed.Error, StringComparison.Ordinal);
        var before = await ChunksAsync(jobId);
        var redo = before.Where(c => c.ReplaceOnTarget).Select(c => c.Index).ToList();
        Assert.Equal(2, redo.Count);
        Assert.True(before.Count > 2, $"{before.Count} chunks");

        var resumed = await Job(Options(method, jobId) with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        Assert.True(resumed.Verified);
        Assert.Equal(4000, Assert.Single(resumed.Collections).Verification!.Identical);
        var after = await ChunksAsync(jobId);
        foreach (var chunk in before.Where(c => !redo.Contains(c.Index)))
        {
            // Only the chunks that differed were copied again.
            Assert.Equal(chunk.Attempts, after[chunk.Index].Attempts);
        }

        Assert.All(redo, i => Assert.True(after[i].Attempts > before[i].Attempts));
        await TargetComparison.AssertEqualAsync(_sourceClient, _targetClient, "victim", "copy", Ct);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task A_source_written_during_an_offline_copy_is_named_and_resume_copies_the_changed_chunks_again(CopyMethod method)
    {
        var jobId = $"written-{method}";
        var first = await Job(Options(method, jobId), async (change, _) =>
        {
            if (change == "UpdateCollection(Copied)")
            {
                await SourceItems.UpdateOneAsync(Builders<BsonDocument>.Filter.Eq("_id", 5L), Builders<BsonDocument>.Update.Set("late", "write"), cancellationToken: Ct);
            }
        }).RunAsync(Ct);

        Assert.Equal(JobStatus.Failed, first.Status);
        var failed = Assert.Single(first.Collections);
        Assert.Contains("The source was written during the copy", failed.Error, StringComparison.Ordinal);
        Assert.Contains("writes made during an offline copy are not followed; stop writes or use online migration (--online)", failed.Error, StringComparison.Ordinal);

        var resumed = await Job(Options(method, jobId) with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        await TargetComparison.AssertEqualAsync(_sourceClient, _targetClient, "victim", "copy", Ct);
    }

    [Fact]
    public async Task A_completed_job_resumed_is_verified_again_and_a_second_resume_repairs_what_the_target_lost()
    {
        const string jobId = "completed";
        var options = Options(CopyMethod.Direct, jobId);
        Assert.Equal(JobStatus.Completed, (await Job(options).RunAsync(Ct)).Status);
        await TargetItems.DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, Ct);

        var again = await Job(options with { Resume = true }).RunAsync(Ct);

        // The old proof is not shown as if it held: the target is empty now.
        Assert.NotEqual(JobStatus.Completed, again.Status);
        Assert.False(again.Verified);
        var collection = Assert.Single(again.Collections);
        Assert.Equal(4000, collection.Verification!.Missing);
        Assert.Contains("no longer equal to the source since the job completed", collection.Error, StringComparison.Ordinal);
        Assert.Equal(0, await TargetItems.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));

        var repaired = await Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, repaired.Status);
        Assert.True(repaired.Verified);
        await TargetComparison.AssertEqualAsync(_sourceClient, _targetClient, "victim", "copy", Ct);
    }

    [Fact]
    public async Task A_completed_job_resumed_without_verification_says_it_did_not_verify_again()
    {
        const string jobId = "completed-unverified";
        var options = Options(CopyMethod.Direct, jobId);
        Assert.Equal(JobStatus.Completed, (await Job(options).RunAsync(Ct)).Status);

        var again = await Job(options with { Resume = true, Verify = false }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, again.Status);
        Assert.False(again.Verified);
    }

    [Fact]
    public async Task A_sampled_verification_compares_only_its_chunks_and_is_never_called_a_proof()
    {
        const string jobId = "sample";
        var lost = Enumerable.Range(0, 40).Select(i => i * 100L).ToList();
        var summary = await Job(Options(CopyMethod.Direct, jobId) with { VerifySample = 0.1 }, async (change, _) =>
        {
            if (change == "UpdateCollection(Copied)")
            {
                // Between the copy and its proof, the target loses every hundredth document, in every chunk.
                await TargetItems.DeleteManyAsync(Builders<BsonDocument>.Filter.In("_id", lost), Ct);
            }
        }).RunAsync(Ct);

        var collection = Assert.Single(summary.Collections);
        var chunks = await ChunksAsync(jobId);
        var sampled = RangeSample.Pick(chunks.Count, 0.1);
        long inSample = 0;
        foreach (var index in sampled)
        {
            var range = BsonSerializer.Deserialize<BsonDocument>(chunks[index].Filter);
            inSample += await SourceItems.CountDocumentsAsync(new BsonDocument("$and", new BsonArray { range, new BsonDocument("_id", new BsonDocument("$in", new BsonArray(lost))) }), cancellationToken: Ct);
        }

        Assert.True(chunks.Count >= 4, $"{chunks.Count} chunks");
        Assert.Equal(sampled.Count, collection.ChunksVerified);
        Assert.True(collection.VerifiedSample);
        Assert.True(summary.VerifiedSample);
        Assert.False(summary.Verified);
        Assert.InRange(inSample, 1, lost.Count - 1);
        Assert.Equal(inSample, collection.Verification!.Missing);
        Assert.Equal(JobStatus.Failed, summary.Status);
        Assert.InRange(collection.Verification.SourceDocuments, 1, 3999);
    }

    [Theory]
    [InlineData("UpdateJob(Completed)")]
    [InlineData("CompleteCollection")]
    public async Task A_sampled_job_killed_and_resumed_without_verify_options_keeps_its_sample_and_says_so(string killedAt)
    {
        var jobId = $"sample-resumed-{killedAt.Length}";
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        CrashingJobStateStore? store = null;
        var first = Job(Options(CopyMethod.Direct, jobId) with { VerifySample = 0.25 }, inner => store = new CrashingJobStateStore(inner, _targetClient, 0, () => _ = kill.CancelAsync()) { CrashOn = killedAt });
        await Assert.ThrowsAnyAsync<Exception>(() => first.RunAsync(kill.Token));
        Assert.Equal(killedAt, store!.CrashedAt);

        // As `migrate --resume` with no --verify nor --sample: the job's own settings.
        var resumed = await Job(Options(CopyMethod.Direct, jobId) with { Resume = true, ResumeOverrides = JobSettings.None }).RunAsync(Ct);

        var chunks = await ChunksAsync(jobId);
        var collection = Assert.Single(resumed.Collections);
        Assert.True(chunks.Count >= 4, $"{chunks.Count} chunks");
        Assert.Equal(JobStatus.Completed, resumed.Status);
        Assert.True(collection.VerifiedSample);
        Assert.Equal(RangeSample.Pick(chunks.Count, 0.25).Count, collection.ChunksVerified);
        Assert.True(resumed.VerifiedSample);
        Assert.False(resumed.Verified);
        Assert.Equal(0.25, resumed.VerifySample);
    }

    [Fact]
    public async Task A_sampled_job_resumed_with_verify_full_compares_every_chunk_left_but_keeps_the_sample_of_a_collection_already_proven()
    {
        const string jobId = "sample-then-full";
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var first = Job(Options(CopyMethod.Direct, jobId) with { VerifySample = 0.25 }, inner => new CrashingJobStateStore(inner, _targetClient, 0, () => _ = kill.CancelAsync()) { CrashOn = "CompleteCollection" });
        await Assert.ThrowsAnyAsync<Exception>(() => first.RunAsync(kill.Token));

        var resumed = await Job(Options(CopyMethod.Direct, jobId) with { Resume = true, ResumeOverrides = JobSettings.Verify }).RunAsync(Ct);

        var collection = Assert.Single(resumed.Collections);
        Assert.False(collection.VerifiedSample);
        Assert.Equal(collection.Chunks, collection.ChunksVerified);
        Assert.True(resumed.Verified);
    }

    private MigrationOptions Options(CopyMethod method, string jobId) => new()
    {
        JobId = jobId,
        Method = method,
        WorkDirectory = _work,
        ChunkSizeBytes = 1024 * 1024,
        DumpWorkers = 2,
        RestoreWorkers = 2,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        Selection = new NamespaceSelection(["victim.*"], [], [("victim.*", "copy.*")]),
    };

    private MigrationJob Job(MigrationOptions options, Func<string, int, Task>? onChange = null) =>
        Job(options, inner => onChange is null ? inner : new CrashingJobStateStore(inner, _targetClient, 0, null) { OnChangeAsync = onChange });

    private MigrationJob Job(MigrationOptions options, Func<IJobStateStore, IJobStateStore> wrap) =>
        new(MongoEndpoint.Parse("source", _source.ConnectionString), MongoEndpoint.Parse("target", _target.ConnectionString), options, _coordinator, NullLoggerFactory.Instance)
        {
            StateStoreFactory = async (path, token) => wrap(await SqliteJobStateStore.OpenAsync(path, cancellationToken: token)),
        };

    private async Task<IReadOnlyList<ChunkRecord>> ChunksAsync(string jobId)
    {
        await using var state = await SqliteJobStateStore.OpenAsync(JobFolder.StatePath(Path.Combine(_work, jobId)), cancellationToken: Ct);
        return await state.GetChunksAsync(jobId, "victim.items", Ct);
    }
}
