using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Tests.DumpFormat;
using MongoMigrate.Engine.Tests.Dumping;
using MongoMigrate.Sandbox;
using MongoMigrate.Sandbox.Faults;

namespace MongoMigrate.Engine.Tests.Restoring;

/// <summary>What a restore does with targets that are not empty, renames, indexes, options, faults, and interleaved archives.</summary>
public sealed class RestoreJobTests : IAsyncLifetime
{
    private SandboxServer _target = null!;
    private MongoClient _client = null!;
    private TempFolder _folder = null!;

    public async ValueTask InitializeAsync()
    {
        _target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        _client = new MongoClient(_target.ConnectionString);
        _folder = new TempFolder();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _target.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task Restoring_again_into_a_partly_restored_target_finishes_without_duplicates()
    {
        var documents = DumpJobTests.MixedIdDocuments(3000, 100);
        var dump = WriteDirectory(("shop", "orders", documents, null));
        await InsertAsync(new NamespaceName("shop", "orders"), documents.Where((_, i) => i % 3 == 0).ToList());

        var summary = await DumpJobRunner.RestoreAsync(_target, DumpLocation.Directory(dump), _folder.Combine("work"));

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(3000, result.Documents);
        Assert.Equal(1000, result.AlreadyPresent);
        Assert.Contains(result.Notes, n => n.Contains("already existed", StringComparison.Ordinal));
        DumpJobRunner.AssertSameDocuments(documents, await DumpJobRunner.ReadCollectionAsync(_client, new NamespaceName("shop", "orders")), "shop.orders");
    }

    [Fact]
    public async Task A_resumed_restore_skips_what_it_completed_and_finishes_the_rest()
    {
        var ct = TestContext.Current.CancellationToken;
        var a = DumpJobTests.MixedIdDocuments(500, 50);
        var b = DumpJobTests.MixedIdDocuments(700, 50);
        var dump = WriteDirectory(("db", "a", a, null), ("db", "b", b, null));

        // A view where db.b should go: its inserts fail, db.a completes.
        await _client.GetDatabase("db").RunCommandAsync<BsonDocument>(BsonDocument.Parse("{create: 'b', viewOn: 'a', pipeline: []}"), cancellationToken: ct);
        var first = await DumpJobRunner.RestoreAsync(_target, DumpLocation.Directory(dump), _folder.Combine("work"), o => o with { JobId = "r1" });
        Assert.Equal(JobStatus.Failed, first.Status);
        Assert.Equal(CollectionStatus.Completed, first.Namespaces.Single(n => n.Source == "db.a").Status);
        Assert.Equal(CollectionStatus.Failed, first.Namespaces.Single(n => n.Source == "db.b").Status);
        Assert.Contains("--resume --job-id r1", first.Reason, StringComparison.Ordinal);

        await _client.GetDatabase("db").DropCollectionAsync("b", ct);
        var again = await Assert.ThrowsAsync<MigrationException>(() => DumpJobRunner.RestoreAsync(_target, DumpLocation.Directory(dump), _folder.Combine("work"), o => o with { JobId = "r1" }));
        Assert.Contains("--resume", again.Message, StringComparison.Ordinal);
        var second = await DumpJobRunner.RestoreAsync(_target, DumpLocation.Directory(dump), _folder.Combine("work"), o => o with { JobId = "r1", Resume = true });

        Assert.True(second.Status == JobStatus.Completed, second.Reason);
        var skipped = second.Namespaces.Single(n => n.Source == "db.a");
        Assert.Contains("restored by an earlier run of this job", skipped.Notes);
        Assert.Equal(500, skipped.Documents);
        Assert.Equal(0, skipped.AlreadyPresent);
        Assert.Equal(700, second.Namespaces.Single(n => n.Source == "db.b").Documents);
        DumpJobRunner.AssertSameDocuments(b, await DumpJobRunner.ReadCollectionAsync(_client, new NamespaceName("db", "b")), "db.b");
    }

    [Fact]
    public async Task Drop_replaces_what_the_target_had()
    {
        var documents = DumpJobTests.MixedIdDocuments(100, 20);
        var dump = WriteDirectory(("shop", "orders", documents, null));
        await InsertAsync(new NamespaceName("shop", "orders"), [new BsonBuilder().StartDocument().String("_id", "stale").End().ToArray()]);

        var summary = await DumpJobRunner.RestoreAsync(_target, DumpLocation.Directory(dump), _folder.Combine("work"), o => o with { Drop = true });

        Assert.Equal(JobStatus.Completed, summary.Status);
        DumpJobRunner.AssertSameDocuments(documents, await DumpJobRunner.ReadCollectionAsync(_client, new NamespaceName("shop", "orders")), "shop.orders");
    }

    [Fact]
    public async Task Renames_and_include_and_exclude_pick_and_place_namespaces()
    {
        var documents = DumpJobTests.MixedIdDocuments(10, 20);
        var dump = WriteDirectory(("shop", "orders", documents, null), ("shop", "users", documents, null), ("other", "x", documents, null));

        var summary = await DumpJobRunner.RestoreAsync(
            _target,
            DumpLocation.Directory(dump),
            _folder.Combine("work"),
            o => o with { Selection = new NamespaceSelection(["shop.*"], ["shop.users"], [("shop.*", "copy.*")]) });

        Assert.Equal(JobStatus.Completed, summary.Status);
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(("shop.orders", "copy.orders"), (result.Source, result.Target));
        Assert.Equal(["copy"], (await (await _client.ListDatabaseNamesAsync(TestContext.Current.CancellationToken)).ToListAsync(TestContext.Current.CancellationToken)).Where(d => d is "copy" or "shop" or "other"));
    }

    [Fact]
    public async Task Indexes_are_built_after_the_data_and_a_broken_unique_one_fails_the_collection_but_not_the_others()
    {
        var ct = TestContext.Current.CancellationToken;
        var documents = Enumerable.Range(0, 100).Select(i => new BsonBuilder().StartDocument().Int32("_id", i).Int32("email", i % 50).Int32("n", i).End().ToArray()).ToList();
        var metadata = """{"options":{"validator":{"n":{"$lt":0}}},"indexes":[{"v":2,"key":{"_id":1},"name":"_id_"},{"v":2,"key":{"email":1},"name":"email_1","unique":true},{"v":2,"key":{"n":-1},"name":"n_-1"},{"v":2,"key":{"n":1},"name":"n_1","unique":true}]}""";
        var dump = WriteDirectory(("shop", "users", documents, metadata));

        var summary = await DumpJobRunner.RestoreAsync(_target, DumpLocation.Directory(dump), _folder.Combine("work"));

        // The validator rejects every document, but a restore bypasses validation, as mongorestore does.
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(CollectionStatus.Failed, result.Status);
        Assert.Equal(100, result.Documents);
        Assert.Contains("email_1", Assert.Single(result.IndexErrors), StringComparison.Ordinal);
        var indexes = await (await _client.GetDatabase("shop").GetCollection<BsonDocument>("users").Indexes.ListAsync(ct)).ToListAsync(ct);
        Assert.Equal(["_id_", "n_-1", "n_1"], indexes.Select(i => i["name"].AsString).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Options_the_target_refuses_fail_the_collection_with_one_clear_line()
    {
        var dump = WriteDirectory(("shop", "log", DumpJobTests.MixedIdDocuments(5, 10), """{"options":{"capped":true},"indexes":[]}"""), ("shop", "ok", DumpJobTests.MixedIdDocuments(5, 10), null));

        var summary = await DumpJobRunner.RestoreAsync(_target, DumpLocation.Directory(dump), _folder.Combine("work"));

        Assert.Equal(JobStatus.Failed, summary.Status);
        var refused = summary.Namespaces.Single(n => n.Source == "shop.log");
        Assert.StartsWith("The target refused to create the collection shop.log with the dump's options { capped: true }", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Error!);
        Assert.Equal(CollectionStatus.Completed, summary.Namespaces.Single(n => n.Source == "shop.ok").Status);
    }

    [Fact]
    public async Task Inserts_whose_replies_are_lost_are_retried_and_counted_once()
    {
        var documents = DumpJobTests.MixedIdDocuments(2000, 50);
        var dump = WriteDirectory(("shop", "orders", documents, null));
        _target.Faults.Add(new FailPoint { Commands = ["insert"], Skip = 1, Times = 3, CloseConnection = true, AfterExecution = true });

        var summary = await DumpJobRunner.RestoreAsync(_target, DumpLocation.Directory(dump), _folder.Combine("work"), o => o with { BatchDocuments = 100 });

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        Assert.Equal(2000, Assert.Single(summary.Namespaces).Documents);
        DumpJobRunner.AssertSameDocuments(documents, await DumpJobRunner.ReadCollectionAsync(_client, new NamespaceName("shop", "orders")), "shop.orders");
    }

    [Fact(Timeout = 120_000)]
    public async Task An_archive_interleaving_more_namespaces_than_the_pool_has_workers_restores_without_stalling()
    {
        var ct = TestContext.Current.CancellationToken;
        var collections = Enumerable.Range(0, 6).Select(i => (Name: "c" + i, Documents: DumpJobTests.MixedIdDocuments(800, 100))).ToList();
        var namespaces = collections.Select(c => new ArchiveNamespace("wide", c.Name, new CollectionMetadata { CollectionName = c.Name, Type = "collection" })).ToList();
        var path = _folder.Combine("wide.archive");
        await using (var file = File.Create(path))
        await using (var writer = await ArchiveWriter.CreateAsync(file, new ArchiveHeader(6, "test", "test"), namespaces, new ArchiveWriterOptions { MaxSegmentBytes = 2048, LeaveOpen = true }, ct))
        {
            var writers = namespaces.Select(writer.OpenNamespace).ToList();
            for (var i = 0; i < 800; i++)
            {
                for (var c = 0; c < writers.Count; c++)
                {
                    await writers[c].WriteAsync(collections[c].Documents[i], ct);
                }
            }

            foreach (var namespaceWriter in writers)
            {
                await namespaceWriter.CompleteAsync(ct);
            }

            await writer.CompleteAsync(ct);
        }

        var summary = await DumpJobRunner.RestoreAsync(_target, DumpLocation.ArchiveFile(path), _folder.Combine("work"), o => o with { ParallelCollections = 1, InsertionWorkers = 1, BatchDocuments = 20 });

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        foreach (var (name, documents) in collections)
        {
            DumpJobRunner.AssertSameDocuments(documents, await DumpJobRunner.ReadCollectionAsync(_client, new NamespaceName("wide", name)), name);
        }
    }

    /// <summary>A directory dump of the given collections (documents and optional metadata.json text).</summary>
    private string WriteDirectory(params (string Database, string Collection, IReadOnlyList<byte[]> Documents, string? Metadata)[] collections)
    {
        var root = _folder.Combine("dump-" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var (database, collection, documents, metadata) in collections)
        {
            Directory.CreateDirectory(Path.Combine(root, database));
            File.WriteAllBytes(Path.Combine(root, database, collection + ".bson"), [.. documents.SelectMany(d => d)]);
            if (metadata is not null)
            {
                File.WriteAllText(Path.Combine(root, database, collection + ".metadata.json"), metadata);
            }
        }

        return root;
    }

    private async Task InsertAsync(NamespaceName ns, IReadOnlyList<byte[]> documents)
    {
        var inserter = new BatchInserter(new RawCommandRunner(_client.GetDatabase(ns.Database)), ns.Collection);
        await inserter.InsertAsync([.. documents.Select(d => new RawDocument(d))], TestContext.Current.CancellationToken);
    }
}
