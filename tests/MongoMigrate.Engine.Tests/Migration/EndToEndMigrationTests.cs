using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>Whole migrations between two sandboxes, both methods, over the awkward cases users have.</summary>
public sealed class EndToEndMigrationTests : IAsyncLifetime
{
    private SandboxServer _source = null!;
    private SandboxServer _target = null!;
    private MongoClient _sourceClient = null!;
    private MongoClient _targetClient = null!;
    private string _work = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _source = await SandboxServer.StartAsync(cancellationToken: Ct);
        _target = await SandboxServer.StartAsync(cancellationToken: Ct);
        _sourceClient = new MongoClient(_source.ConnectionString);
        _targetClient = new MongoClient(_target.ConnectionString);
        _work = Directory.CreateTempSubdirectory("mm-e2e-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        _sourceClient.Dispose();
        _targetClient.Dispose();
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task Awkward_names_empty_and_single_document_collections_arrive_exactly(CopyMethod method)
    {
        var names = new[] { "with.dots.in.it", "with spaces", "café ☕ 数据", "a$b".Replace("$", "_", StringComparison.Ordinal), "one" };
        foreach (var name in names)
        {
            var documents = name == "one" ? 1 : 40;
            await _sourceClient.GetDatabase("odd-db").GetCollection<BsonDocument>(name).InsertManyAsync(Enumerable.Range(0, documents).Select(i => new BsonDocument { { "_id", i }, { "name", name } }), cancellationToken: Ct);
        }

        await _sourceClient.GetDatabase("odd-db").CreateCollectionAsync("empty", cancellationToken: Ct);

        var summary = await RunAsync(new MigrationOptions { Method = method });

        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.True(summary.Verified);
        Assert.Equal(names.Length + 1, summary.Collections.Count);
        var targetNames = await (await _targetClient.GetDatabase("odd-db").ListCollectionNamesAsync(cancellationToken: Ct)).ToListAsync(Ct);
        Assert.Equal(names.Append("empty").Order(StringComparer.Ordinal), targetNames.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task Mixed_id_types_in_many_chunks_arrive_byte_for_byte(CopyMethod method)
    {
        var runner = new RawCommandRunner(_sourceClient.GetDatabase("mixed"));
        var insert = new BsonBuilder().StartDocument().String("insert", "ids").StartArray("documents");
        var random = new Random(5);
        for (var i = 0; i < 6000; i++)
        {
            insert.StartDocument(BsonBuilder.Index(i));
            Datasets.DocumentShapes.Id(insert, Datasets.IdKind.Mixed, i, random);
            insert.Double("negativeZero", -0.0).DateTime("farFuture", 253402300800000 + i).Binary("old", 2, [3, 0, 0, 0, 1, 2, 3]).String("pad", new string('p', 300)).End();
        }

        await runner.RunAsync(insert.End().End().ToDocument(), Ct);

        var summary = await RunAsync(new MigrationOptions { Method = method, ChunkSizeBytes = 1024 * 1024 });

        Assert.Equal(JobStatus.Completed, summary.Status);
        var outcome = Assert.Single(summary.Collections);
        Assert.True(outcome.Chunks >= 6, $"{outcome.Chunks} chunks");
        Assert.True(outcome.Verification!.IsEqual);
        Assert.Equal(6000, outcome.Verification.Identical);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task Documents_near_sixteen_megabytes_are_copied_whole(CopyMethod method)
    {
        var big = new BsonBuilder().StartDocument().Int32("_id", 1).String("blob", new string('b', (16 * 1024 * 1024) - 100)).End().ToDocument();
        Assert.InRange(big.Length, (16 * 1024 * 1024) - 100, 16 * 1024 * 1024);
        await _sourceClient.GetDatabase("big").GetCollection<RawBsonDocument>("blobs").InsertOneAsync(new RawBsonDocument(big.Bytes.ToArray()), cancellationToken: Ct);
        await _sourceClient.GetDatabase("big").GetCollection<BsonDocument>("blobs").InsertOneAsync(new BsonDocument { { "_id", 2 }, { "small", true } }, cancellationToken: Ct);

        var summary = await RunAsync(new MigrationOptions { Method = method });

        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.True(summary.Verified);
        Assert.Equal(2, summary.Documents);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task Top_level_empty_timestamps_arrive_as_the_source_holds_them_and_verify_equal(CopyMethod method)
    {
        // MongoDB fills a top-level Timestamp(0,0) with the current time unless the insert carries bypassEmptyTsReplacement
        // (SERVER-88750), as mongorestore and mongosync send it; without it every such document would differ for good.
        var runner = new RawCommandRunner(_sourceClient.GetDatabase("stamps"));
        var insert = new BsonBuilder().StartDocument().String("insert", "c").Boolean("bypassEmptyTsReplacement", true).StartArray("documents");
        for (var i = 0; i < 50; i++)
        {
            insert.StartDocument(BsonBuilder.Index(i)).Int32("_id", i).Timestamp("empty", 0).StartDocument("nested").Timestamp("empty", 0).End().Timestamp("set", 42).End();
        }

        await runner.RunAsync(insert.End().End().ToDocument(), Ct);

        var summary = await RunAsync(new MigrationOptions { Method = method });

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        var outcome = Assert.Single(summary.Collections);
        Assert.True(outcome.Verification!.IsEqual);
        Assert.Equal(50, outcome.Verification.Identical);
        var stored = await _targetClient.GetDatabase("stamps").GetCollection<BsonDocument>("c").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct);
        Assert.Equal(50, stored.Count);
        Assert.All(stored, d => Assert.Equal(new BsonTimestamp(0), d["empty"]));
    }

    [Fact]
    public async Task A_target_without_bypassEmptyTsReplacement_stops_the_copy_of_an_empty_timestamp_with_what_to_do()
    {
        var runner = new RawCommandRunner(_sourceClient.GetDatabase("stamps"));
        await runner.RunAsync(new BsonBuilder().StartDocument().String("insert", "old").Boolean("bypassEmptyTsReplacement", true)
            .StartArray("documents").StartDocument("0").Int32("_id", 7).Timestamp("empty", 0).End().End().End().ToDocument(), Ct);
        // A target before 7.0.13 / 6.0.17 / 8.0 answers an unknown command field with 40415.
        _target.Faults.Add(new Sandbox.Faults.FailPoint { Commands = ["insert"], Times = null, ErrorCode = EmptyTimestamps.UnknownFieldCode });

        var summary = await RunAsync(new MigrationOptions { Method = CopyMethod.Direct });

        Assert.NotEqual(JobStatus.Completed, summary.Status);
        var reason = summary.Reason + string.Join(" ", summary.Collections.Select(c => c.Error));
        Assert.Contains("old (_id 7) has a top-level Timestamp(0,0)", reason, StringComparison.Ordinal);
        Assert.Contains("Upgrade the target", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Include_exclude_and_renames_choose_and_place_collections()
    {
        foreach (var (db, coll) in new[] { ("sales", "orders"), ("sales", "refunds"), ("sales", "tmp_cache"), ("hr", "people"), ("logs", "app") })
        {
            await _sourceClient.GetDatabase(db).GetCollection<BsonDocument>(coll).InsertOneAsync(new BsonDocument("_id", coll), cancellationToken: Ct);
        }

        var selection = new NamespaceSelection(["sales.*", "hr.people"], ["*.tmp_*"], [("sales.*", "archive.sales_*")]);
        var summary = await RunAsync(new MigrationOptions { Selection = selection });

        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.Equal(
            ["archive.sales_orders", "archive.sales_refunds", "hr.people"],
            summary.Collections.Select(c => c.Target).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("logs", await (await _targetClient.ListDatabaseNamesAsync(Ct)).ToListAsync(Ct));
    }

    [Fact]
    public async Task Collection_options_and_every_index_are_carried_over()
    {
        var db = _sourceClient.GetDatabase("opts");
        await db.CreateCollectionAsync("capped", new CreateCollectionOptions { Capped = true, MaxSize = 1024 * 1024, MaxDocuments = 1000 }, Ct);
        await db.CreateCollectionAsync("validated", new CreateCollectionOptions<BsonDocument> { Validator = new BsonDocumentFilterDefinition<BsonDocument>(BsonDocument.Parse("{qty: {$gte: 0}}")), ValidationAction = DocumentValidationAction.Error }, Ct);
        await db.GetCollection<BsonDocument>("capped").InsertManyAsync(Enumerable.Range(0, 50).Select(i => new BsonDocument { { "_id", 100 - i }, { "n", i } }), cancellationToken: Ct);
        await db.GetCollection<BsonDocument>("validated").InsertOneAsync(new BsonDocument { { "_id", 1 }, { "qty", 3 } }, cancellationToken: Ct);
        var indexed = db.GetCollection<BsonDocument>("indexed");
        await indexed.InsertManyAsync(Enumerable.Range(0, 20).Select(i => new BsonDocument { { "_id", i }, { "email", $"e{i}" }, { "city", "x" }, { "tags", new BsonArray { i } } }), cancellationToken: Ct);
        await indexed.Indexes.CreateManyAsync(
            [
                new CreateIndexModel<BsonDocument>("{email: 1}", new CreateIndexOptions { Unique = true, Name = "email_unique" }),
                new CreateIndexModel<BsonDocument>("{city: 1, _id: -1}", new CreateIndexOptions { Sparse = true }),
                new CreateIndexModel<BsonDocument>("{tags: 1}", new CreateIndexOptions<BsonDocument> { PartialFilterExpression = BsonDocument.Parse("{city: 'x'}") }),
            ],
            Ct);

        var summary = await RunAsync(new MigrationOptions());

        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.True(summary.Verified);
        var target = _targetClient.GetDatabase("opts");
        var infos = await (await target.ListCollectionsAsync(cancellationToken: Ct)).ToListAsync(Ct);
        var capped = infos.Single(i => i["name"] == "capped")["options"].AsBsonDocument;
        Assert.True(capped["capped"].ToBoolean());
        Assert.Equal(1000, capped["max"].ToInt64());
        Assert.Contains("validator", infos.Single(i => i["name"] == "validated")["options"].AsBsonDocument.Names);
        var indexes = await (await target.GetCollection<BsonDocument>("indexed").Indexes.ListAsync(Ct)).ToListAsync(Ct);
        Assert.Equal(["_id_", "city_1__id_-1", "email_unique", "tags_1"], indexes.Select(i => i["name"].AsString).Order(StringComparer.Ordinal));
        Assert.True(indexes.Single(i => i["name"] == "email_unique")["unique"].ToBoolean());
        Assert.True(indexes.Single(i => i["name"] == "city_1__id_-1")["sparse"].ToBoolean());
        Assert.Contains("partialFilterExpression", indexes.Single(i => i["name"] == "tags_1").Names);

        // Capped collections keep their natural (insertion) order on the target.
        var natural = await target.GetCollection<BsonDocument>("capped").Find(FilterDefinition<BsonDocument>.Empty).Sort("{$natural: 1}").ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 100 - i), natural.Select(d => d["_id"].AsInt32));
    }

    [Fact]
    public async Task Changing_worker_counts_mid_run_is_followed_by_the_pools_and_the_copy_stays_exact()
    {
        var collection = _sourceClient.GetDatabase("live").GetCollection<BsonDocument>("data");
        await collection.InsertManyAsync(Enumerable.Range(0, 20_000).Select(i => new BsonDocument { { "_id", i }, { "pad", new string('x', 200) } }), cancellationToken: Ct);
        _target.Faults.Latency = TimeSpan.FromMilliseconds(15);
        using var coordinator = new WorkerPoolCoordinator();
        var job = NewJob(new MigrationOptions { ChunkSizeBytes = 1024 * 1024, DumpWorkers = 2, RestoreWorkers = 2 }, coordinator);
        var run = job.RunAsync(Ct);
        await Task.WhenAny(job.Progress.WaitUntilAsync(p => p.Collections.FirstOrDefault()?.ChunksRestored > 0, Ct), run);
        Assert.False(run.IsCompleted, "the job ended before its first chunk was restored");

        job.Steering.AdjustDumpWorkers(1);
        job.Steering.AdjustRestoreWorkers(5);
        var pools = job.Pools!;
        Assert.Equal(1, pools.Dump!.MaxWorkers);
        Assert.Equal(5, pools.Restore!.MaxWorkers);
        Assert.True(pools.Dump.Active <= 2);
        var summary = await run;
        _target.Faults.Latency = TimeSpan.Zero;

        Assert.False(run.IsFaulted);
        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.True(summary.Verified);
        Assert.Equal(20_000, summary.Documents);
    }

    private async Task<MigrationSummary> RunAsync(MigrationOptions options)
    {
        using var coordinator = new WorkerPoolCoordinator();
        return await NewJob(options, coordinator).RunAsync(Ct);
    }

    private MigrationJob NewJob(MigrationOptions options, WorkerPoolCoordinator coordinator) => new(
        MongoEndpoint.Parse("source", _source.ConnectionString),
        MongoEndpoint.Parse("target", _target.ConnectionString),
        options with { WorkDirectory = _work },
        coordinator,
        NullLoggerFactory.Instance);
}
