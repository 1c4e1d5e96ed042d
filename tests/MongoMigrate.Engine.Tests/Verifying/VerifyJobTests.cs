using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Verification;
using MongoMigrate.Engine.Verifying;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Verifying;

/// <summary>
/// `verify` on its own: one server holds both sides, the source in one database and the "target" in another, compared
/// through a rename (--from a.* --to b.*), so the same tests run on the sandbox and on a real MongoDB.
/// </summary>
public sealed class VerifyJobTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mm-verify-").FullName;
    private readonly string _a = server.NewDatabaseName("va");
    private readonly string _b = server.NewDatabaseName("vb");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Equal_sides_give_an_equal_report_with_counts_and_equal_digests()
    {
        await SeedBothAsync("c", 500);

        var report = await VerifyAsync(new VerifyJobOptions { Selection = Rename() });

        Assert.True(report.Equal, Describe(report));
        var c = Assert.Single(report.Namespaces);
        Assert.Equal((500L, 500L, 500L), (c.SourceDocuments, c.TargetDocuments, c.Identical));
        Assert.Equal(c.SourceDigest, c.TargetDigest);
        Assert.True(report.FinishedAt >= report.StartedAt);
    }

    [Fact]
    public async Task Missing_extra_and_different_documents_are_named_with_the_first_differing_field()
    {
        await SeedBothAsync("c", 100);
        var target = Collection(_b, "c");
        await target.DeleteOneAsync(new BsonDocument("_id", 7), Ct);
        await target.InsertOneAsync(new BsonDocument { { "_id", 1000 }, { "v", 1 } }, cancellationToken: Ct);
        await target.UpdateOneAsync(new BsonDocument("_id", 42), new BsonDocument("$set", new BsonDocument("nested.x", 99)), cancellationToken: Ct);

        var report = await VerifyAsync(new VerifyJobOptions { Selection = Rename() });

        Assert.False(report.Equal);
        var c = Assert.Single(report.Namespaces);
        Assert.Equal((1L, 1L, 1L), (c.Missing, c.Extra, c.Different));
        Assert.Contains(new DocumentMismatch(MismatchKind.Missing, "7"), c.Mismatches);
        Assert.Contains(new DocumentMismatch(MismatchKind.Extra, "1000"), c.Mismatches);
        Assert.Contains(new DocumentMismatch(MismatchKind.Different, "42", "nested.x"), c.Mismatches);
        Assert.NotEqual(c.SourceDigest, c.TargetDigest);
    }

    [Fact]
    public async Task Field_order_negative_zero_and_mixed_id_types_are_compared_as_stored()
    {
        object[] ids = [1, "1", true, new ObjectId("65a000000000000000000001"), new BsonDocument("k", 1), 2.5];
        var source = ids.Select(id => new BsonDocument { { "_id", BsonValue.Create(id) }, { "a", 0.0 }, { "b", 1 } }).ToList();
        await Collection(_a, "c").InsertManyAsync(source, cancellationToken: Ct);
        var target = source.Select(d => d.DeepClone().AsBsonDocument).ToList();
        target[1] = new BsonDocument { { "_id", "1" }, { "b", 1 }, { "a", 0.0 } };
        target[4] = new BsonDocument { { "_id", new BsonDocument("k", 1) }, { "a", new BsonDouble(-0.0) }, { "b", 1 } };
        await Collection(_b, "c").InsertManyAsync(target, cancellationToken: Ct);

        var report = await VerifyAsync(new VerifyJobOptions { Selection = Rename() });

        var c = Assert.Single(report.Namespaces);
        Assert.Equal((4L, 2L, 0L, 0L), (c.Identical, c.Different, c.Missing, c.Extra));
        Assert.Contains(new DocumentMismatch(MismatchKind.Different, "\"1\"", "a (fields in another order)"), c.Mismatches);
        Assert.Contains(c.Mismatches, m => m.Kind == MismatchKind.Different && m.Path == "a");
    }

    [Fact]
    public async Task Index_and_option_differences_and_a_missing_collection_are_reported()
    {
        await SeedBothAsync("c", 10);
        await Collection(_a, "c").Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("v", 1), new CreateIndexOptions { Unique = true }), cancellationToken: Ct);
        await Collection(_b, "c").Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("w", 1)), cancellationToken: Ct);
        await server.Client.GetDatabase(_a).CreateCollectionAsync("capped", new CreateCollectionOptions { Capped = true, MaxSize = 1 << 20 }, Ct);
        await server.Client.GetDatabase(_b).CreateCollectionAsync("capped", cancellationToken: Ct);
        await Collection(_a, "alone").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        var report = await VerifyAsync(new VerifyJobOptions { Selection = Rename() });

        Assert.False(report.Equal);
        var c = report.Namespaces.Single(n => n.Source.EndsWith(".c", StringComparison.Ordinal));
        Assert.Contains(c.IndexDifferences, d => d.StartsWith("index v_1 missing on the target", StringComparison.Ordinal));
        Assert.Contains(c.IndexDifferences, d => d.StartsWith("index w_1 only on the target", StringComparison.Ordinal));
        Assert.Equal(0, c.Missing + c.Extra + c.Different);
        var capped = report.Namespaces.Single(n => n.Source.EndsWith(".capped", StringComparison.Ordinal));
        Assert.Contains(capped.OptionDifferences, d => d.StartsWith("options differ at capped", StringComparison.Ordinal));
        var alone = report.Namespaces.Single(n => n.Source.EndsWith(".alone", StringComparison.Ordinal));
        Assert.False(alone.TargetExists);
        Assert.Equal(1, alone.Missing);
    }

    [Fact]
    public async Task A_large_collection_is_compared_in_ranges_and_a_sample_compares_some_of_them_and_says_so()
    {
        await SeedBothAsync("big", 3000, padding: 1200);

        var whole = await VerifyAsync(new VerifyJobOptions { Selection = Rename(), ChunkSizeBytes = 1024 * 1024 });
        var sampled = await VerifyAsync(new VerifyJobOptions { Selection = Rename(), ChunkSizeBytes = 1024 * 1024, SampleFraction = 0.34 });

        var all = Assert.Single(whole.Namespaces);
        Assert.True(all.RangesTotal >= 3, $"{all.RangesTotal} ranges");
        Assert.Equal(all.RangesTotal, all.RangesCompared);
        Assert.Equal(3000, all.Identical);
        var some = Assert.Single(sampled.Namespaces);
        Assert.True(some.RangesCompared < some.RangesTotal, $"{some.RangesCompared} of {some.RangesTotal}");
        Assert.True(some.Identical is > 0 and < 3000, $"{some.Identical} compared");
        Assert.True(sampled.Equal);
        Assert.Contains("A sample", VerifyReportWriter.ToMarkdown(sampled), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resumed_verification_does_not_read_again_the_ranges_it_finished()
    {
        await SeedBothAsync("big", 3000, padding: 1200);
        var options = new VerifyJobOptions { Selection = Rename(), ChunkSizeBytes = 1024 * 1024, WorkDirectory = _work, JobId = "v1" };
        var first = await VerifyAsync(options);
        await Collection(_b, "big").DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, Ct);

        var resumed = await VerifyAsync(options with { Resume = true });

        var n = Assert.Single(resumed.Namespaces);
        Assert.True(first.Equal);
        Assert.Equal(n.RangesTotal, n.RangesResumed);
        Assert.Equal(3000, n.Identical);
    }

    [Fact]
    public async Task A_verification_with_a_work_folder_is_a_job_that_jobs_lists_with_its_ranges_and_how_to_resume_it()
    {
        await SeedBothAsync("big", 3000, padding: 1200);
        await Collection(_b, "big").DeleteOneAsync(new BsonDocument("_id", 2999), Ct);

        var report = await VerifyAsync(new VerifyJobOptions { Selection = Rename(), ChunkSizeBytes = 1024 * 1024, WorkDirectory = _work, JobId = "listed" });

        var n = Assert.Single(report.Namespaces);
        var job = Assert.Single(await JobCatalog.ListAsync(_work, cancellationToken: Ct));
        Assert.Equal(("listed", "verify", "failed"), (job.JobId, job.Method, job.State));
        var c = Assert.Single(job.Collections);
        Assert.Equal((CollectionStatus.Failed, n.RangesTotal, n.RangesTotal, 3000L), (c.Status, c.Chunks, c.ChunksRestored, c.Documents));
        Assert.Contains("1 missing", c.Error, StringComparison.Ordinal);
        Assert.StartsWith("mongomigrate verify --resume --job-id listed --work-dir", job.ResumeCommand, StringComparison.Ordinal);
        Assert.Contains($"--include '{_a}.*' --from '{_a}.*' --to '{_b}.*'", job.ResumeCommand, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resume_of_a_job_that_is_not_a_verification_is_refused()
    {
        await SeedBothAsync("c", 10);
        await using (var state = await SqliteJobStateStore.OpenAsync(JobFolder.StatePath(JobFolder.Of(_work, "m1")), cancellationToken: Ct))
        {
            var definition = new JobDefinition { Source = "s", Target = "t", Selection = string.Empty, Include = [], Exclude = [], Renames = [], Method = "direct" };
            await state.CreateJobAsync(new JobRecord { JobId = "m1", DefinitionJson = definition.ToJson(), Status = JobStatus.Stopped, CreatedAt = default, UpdatedAt = default }, [], Ct);
        }

        var error = await Assert.ThrowsAsync<MigrationException>(() => VerifyAsync(new VerifyJobOptions { Selection = Rename(), WorkDirectory = _work, JobId = "m1", Resume = true }));

        Assert.Contains("is a direct job, not a verification", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resume_with_other_parameters_is_refused_naming_what_differs()
    {
        await SeedBothAsync("c", 10);
        var options = new VerifyJobOptions { Selection = Rename(), WorkDirectory = _work, JobId = "v2" };
        await VerifyAsync(options);

        var error = await Assert.ThrowsAsync<MigrationException>(() => VerifyAsync(options with { Resume = true, SampleFraction = 0.5 }));

        Assert.Contains("Give the same source, target, selection and --sample", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_is_written_as_json_and_markdown()
    {
        await SeedBothAsync("c", 10);
        await Collection(_b, "c").DeleteOneAsync(new BsonDocument("_id", 3), Ct);
        var report = await VerifyAsync(new VerifyJobOptions { Selection = Rename() });

        var (json, markdown) = await VerifyReportWriter.WriteAsync(Path.Combine(_work, "out", "report.json"), report, Ct);

        using var parsed = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(json, Ct));
        Assert.False(parsed.RootElement.GetProperty("equal").GetBoolean());
        Assert.Equal("missing", parsed.RootElement.GetProperty("namespaces")[0].GetProperty("mismatches")[0].GetProperty("kind").GetString());
        var text = await File.ReadAllTextAsync(markdown, Ct);
        Assert.Contains("DIFFERENCES FOUND", text, StringComparison.Ordinal);
        Assert.Contains("missing on the target: _id 3", text, StringComparison.Ordinal);
    }

    private NamespaceSelection Rename() => new([_a + ".*"], [], [(_a + ".*", _b + ".*")]);

    private IMongoCollection<BsonDocument> Collection(string database, string name) => server.Client.GetDatabase(database).GetCollection<BsonDocument>(name);

    private async Task SeedBothAsync(string name, int count, int padding = 0)
    {
        var documents = Enumerable.Range(0, count)
            .Select(i => new BsonDocument { { "_id", i }, { "v", i }, { "nested", new BsonDocument("x", i % 7) }, { "pad", new string('p', padding) } })
            .ToList();
        await Collection(_a, name).InsertManyAsync(documents, cancellationToken: Ct);
        await Collection(_b, name).InsertManyAsync(documents, cancellationToken: Ct);
    }

    private async Task<VerifyReport> VerifyAsync(VerifyJobOptions options)
    {
        using var coordinator = new WorkerPoolCoordinator();
        var job = new VerifyJob(MongoEndpoint.Parse("source", server.ConnectionString), MongoEndpoint.Parse("target", server.ConnectionString), options, coordinator, NullLoggerFactory.Instance);
        return await job.RunAsync(Ct);
    }

    private static string Describe(VerifyReport report) => VerifyReportWriter.ToMarkdown(report);
}
