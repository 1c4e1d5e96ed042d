using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Dumping;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Tests.DumpFormat;
using MongoMigrate.Engine.Tests.DumpFormat.Archive;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;
using MongoMigrate.Sandbox.Faults;

namespace MongoMigrate.Engine.Tests.Dumping;

/// <summary>Dumps of live collections: every BSON value byte for byte, large collections read in parallel chunks, interruptions.</summary>
public sealed class DumpJobTests : IAsyncLifetime
{
    private SandboxServer _source = null!;
    private SandboxServer _target = null!;
    private MongoClient _sourceClient = null!;
    private MongoClient _targetClient = null!;
    private TempFolder _folder = null!;

    public static TheoryData<bool, bool> Formats => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    public async ValueTask InitializeAsync()
    {
        _source = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        _target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        _sourceClient = new MongoClient(_source.ConnectionString);
        _targetClient = new MongoClient(_target.ConnectionString);
        _folder = new TempFolder();
    }

    public async ValueTask DisposeAsync()
    {
        _sourceClient.Dispose();
        _targetClient.Dispose();
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        _folder.Dispose();
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Every_valid_bson_corpus_document_survives_a_dump_and_a_restore_byte_for_byte(bool archive, bool gzip)
    {
        var cases = BsonCorpusFixtures.Valid();
        var collections = new List<NamespaceName>();
        foreach (var file in cases.GroupBy(c => c.Name[..c.Name.IndexOf(':', StringComparison.Ordinal)]))
        {
            // Each corpus document twice: whole as a field's value, and its fields spread after an _id.
            var name = new NamespaceName("corpus", Path.GetFileNameWithoutExtension(file.Key));
            var documents = file.Select((c, i) => Nested(i, c.Bytes)).Concat(file.Select((c, i) => Spread(1000 + i, c.Bytes))).ToList();
            await InsertAsync(name, documents);
            collections.Add(name);
        }

        // The corpus has no Timestamp(0,0); a top-level one is what MongoDB rewrites on insert unless told not to.
        // One document is inserted by the driver, which does not say so: the source fills it, as mongod does, and that
        // filled value is then copied like any other. The others go in through the engine's inserter, which keeps them.
        var stamps = new NamespaceName("corpus", "empty_timestamps");
        await InsertAsync(stamps, [.. Enumerable.Range(0, 3).Select(EmptyTimestamps)]);
        var driverInsert = new BsonDocument { { "_id", 100 }, { "empty", new BsonTimestamp(0) }, { "nested", new BsonDocument("empty", new BsonTimestamp(0)) } };
        await _sourceClient.GetDatabase(stamps.Database).GetCollection<BsonDocument>(stamps.Collection).InsertOneAsync(driverInsert, cancellationToken: TestContext.Current.CancellationToken);
        var filled = await _sourceClient.GetDatabase(stamps.Database).GetCollection<BsonDocument>(stamps.Collection).Find(new BsonDocument("_id", 100)).SingleAsync(TestContext.Current.CancellationToken);
        Assert.NotEqual(new BsonTimestamp(0), filled["empty"]);
        Assert.Equal(new BsonTimestamp(0), filled["nested"]["empty"]);
        collections.Add(stamps);

        var location = archive ? DumpLocation.ArchiveFile(_folder.Combine(gzip ? "corpus.archive.gz" : "corpus.archive")) : DumpLocation.Directory(_folder.Combine("corpus"));
        var dump = await DumpJobRunner.DumpAsync(_source, location, o => o with { Gzip = gzip });
        Assert.True(dump.Status == JobStatus.Completed, dump.Reason);
        var restore = await DumpJobRunner.RestoreAsync(_target, location, _folder.Combine("work"));
        Assert.True(restore.Status == JobStatus.Completed, restore.Reason);

        Assert.Equal((cases.Count * 2) + 4, restore.Documents);
        foreach (var ns in collections)
        {
            var expected = await DumpJobRunner.ReadCollectionAsync(_sourceClient, ns);
            var actual = await DumpJobRunner.ReadCollectionAsync(_targetClient, ns);
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"{ns} document {i} differs");
            }

            Assert.Equal(dump.Namespaces.Single(n => n.Source == ns.FullName).Crc, restore.Namespaces.Single(n => n.Source == ns.FullName).Crc);
        }

        var restored = await _targetClient.GetDatabase(stamps.Database).GetCollection<BsonDocument>(stamps.Collection).Find(new BsonDocument("_id", new BsonDocument("$lt", 100))).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, restored.Count);
        Assert.All(restored, d => Assert.Equal(new BsonTimestamp(0), d["empty"]));

    }

    [Fact]
    public async Task A_collection_larger_than_the_chunk_size_is_read_in_parallel_ranges_and_arrives_whole()
    {
        var ct = TestContext.Current.CancellationToken;
        var ns = new NamespaceName("big", "mixed");
        var documents = MixedIdDocuments(6000, 700);
        await InsertAsync(ns, documents);
        using var coordinator = new WorkerPoolCoordinator();
        var path = _folder.Combine("big.archive");
        var job = new DumpJob(
            MongoEndpoint.Parse("source", _source.ConnectionString),
            new DumpJobOptions { Destination = DumpLocation.ArchiveFile(path), ChunkSizeBytes = 1024 * 1024, ParallelCollections = 3 },
            coordinator,
            NullLoggerFactory.Instance);

        var summary = await job.RunAsync(ct);

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        Assert.True(job.Progress.Snapshot().Collections.Single().ChunksTotal > 2, "the collection should have been split");
        var contents = await ArchiveContents.ReadFileAsync(path, new ArchiveReaderOptions { ValidateDocuments = true });
        DumpJobRunner.AssertSameDocuments(documents, contents.DocumentsOf(ns.FullName), ns.FullName);
        Assert.Equal(summary.Namespaces.Single().Crc, contents.Statistics[ns.FullName].Crc);
    }

    [Fact]
    public async Task Collections_dumped_at_once_interleave_their_segments_in_the_archive()
    {
        var names = Enumerable.Range(0, 4).Select(i => new NamespaceName("many", "c" + i)).ToList();
        foreach (var ns in names)
        {
            await InsertAsync(ns, MixedIdDocuments(1500, 300));
        }

        // Slow reads keep the four readers busy at the same time, whatever else the machine is doing.
        _source.Faults.Add(new FailPoint { Commands = ["getMore"], Times = null, Delay = TimeSpan.FromMilliseconds(20) });
        var path = _folder.Combine("interleaved.archive");
        var summary = await DumpJobRunner.DumpAsync(_source, DumpLocation.ArchiveFile(path), o => o with { ParallelCollections = 4, ArchiveSegmentBytes = 4096, ReadBatchDocuments = 100 });

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        var contents = await ArchiveContents.ReadFileAsync(path);
        Assert.Equal(4, contents.Header.ConcurrentCollections);
        var sequence = contents.Sequence.Where(s => !s.StartsWith("end:", StringComparison.Ordinal)).ToList();
        var switches = sequence.Zip(sequence.Skip(1)).Count(p => p.First != p.Second);
        Assert.True(switches > names.Count, $"the namespaces came one after the other ({switches} switches)");
        foreach (var ns in names)
        {
            Assert.Equal(1500, contents.Statistics[ns.FullName].DocumentCount);
            Assert.True(contents.Statistics[ns.FullName].SegmentCount > 1);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public async Task A_read_that_breaks_off_carries_on_after_the_last_written_id_without_repeating_a_document(int chunkMegabytes)
    {
        // 1 MB: ranges inside one type bracket each; 64 MB: one read of the whole collection across all its brackets.
        var ns = new NamespaceName("flaky", "data");
        var documents = MixedIdDocuments(5000, 400);
        await InsertAsync(ns, documents);
        _source.Faults.Add(new FailPoint { Commands = ["getMore"], Skip = 3, Times = 2, CloseConnection = true });
        var path = _folder.Combine("flaky.archive");
        using var log = new CapturingLogger();

        var summary = await DumpJobRunner.DumpAsync(_source, DumpLocation.ArchiveFile(path), o => o with { ChunkSizeBytes = chunkMegabytes * 1024L * 1024, ReadBatchDocuments = 100 }, loggers: log);

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        Assert.Equal(2, log.Messages.Count(m => m.StartsWith("Carrying on with", StringComparison.Ordinal)));
        var contents = await ArchiveContents.ReadFileAsync(path);
        DumpJobRunner.AssertSameDocuments(documents, contents.DocumentsOf(ns.FullName), ns.FullName);
    }

    [Fact]
    public async Task A_capped_collection_whose_read_breaks_off_fails_and_leaves_no_archive()
    {
        var ct = TestContext.Current.CancellationToken;
        await _sourceClient.GetDatabase("capped").CreateCollectionAsync("log", new CreateCollectionOptions { Capped = true, MaxSize = 64 * 1024 * 1024 }, ct);
        await InsertAsync(new NamespaceName("capped", "log"), MixedIdDocuments(5000, 200).Where(d => new RawDocument(d)["_id"].Type == BsonTypeCode.Int32).ToList());
        _source.Faults.Add(new FailPoint { Commands = ["getMore"], Skip = 1, Times = 1, CloseConnection = true });
        var path = _folder.Combine("capped.archive");

        var summary = await DumpJobRunner.DumpAsync(_source, DumpLocation.ArchiveFile(path), o => o with { ReadBatchDocuments = 100 });

        Assert.Equal(JobStatus.Failed, summary.Status);
        Assert.Contains("capped collection", Assert.Single(summary.Namespaces).Error, StringComparison.Ordinal);
        Assert.Contains("the archive was not written", summary.Reason, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stopped_dump_leaves_no_file_that_looks_complete(bool archive)
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var i in Enumerable.Range(0, 3))
        {
            await InsertAsync(new NamespaceName("slow", "c" + i), MixedIdDocuments(3000, 200));
        }

        _source.Faults.Add(new FailPoint { Commands = ["getMore"], Times = null, Delay = TimeSpan.FromMilliseconds(300) });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var output = _folder.Combine("out");
        var location = archive ? DumpLocation.ArchiveFile(output) : DumpLocation.Directory(output);
        using var coordinator = new WorkerPoolCoordinator();
        var options = new DumpJobOptions { Destination = location, ParallelCollections = 2, ReadBatchDocuments = 100 };
        var job = new DumpJob(MongoEndpoint.Parse("source", _source.ConnectionString), options, coordinator, NullLoggerFactory.Instance);
        var running = job.RunAsync(stop.Token);

        // Stopped once the first batch is written, while every getMore after it is held back.
        await Task.WhenAny(job.Progress.WaitUntilAsync(p => p.Documents > 0, ct), running);
        Assert.False(running.IsCompleted, "the dump ended before its first batch");
        await stop.CancelAsync();

        var summary = await running;

        Assert.Equal(JobStatus.Stopped, summary.Status);
        if (archive)
        {
            Assert.Empty(Directory.EnumerateFileSystemEntries(_folder.Path));
        }
        else
        {
            var files = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
            Assert.DoesNotContain("prelude.json", files);
            Assert.DoesNotContain(files, f => f!.StartsWith(".partial", StringComparison.Ordinal));
            foreach (var bson in files.Where(f => f!.EndsWith(".bson", StringComparison.Ordinal)))
            {
                Assert.Contains(Path.ChangeExtension(bson, ".metadata.json"), files);
            }
        }
    }

    [Fact]
    public async Task Views_are_dumped_as_definitions_and_recreated_while_time_series_and_system_namespaces_are_left_out_with_a_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var shop = _sourceClient.GetDatabase("shop");
        await InsertAsync(new NamespaceName("shop", "orders"), Enumerable.Range(0, 50).Select(i => new BsonBuilder().StartDocument().Int32("_id", i).Int32("total", i * 10).End().ToArray()).ToList());
        await shop.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{create: 'big_orders', viewOn: 'orders', pipeline: [{$match: {total: {$gte: 400}}}]}"), cancellationToken: ct);
        await shop.RunCommandAsync<BsonDocument>(BsonDocument.Parse("{create: 'readings', timeseries: {timeField: 'ts'}}"), cancellationToken: ct);
        await InsertAsync(new NamespaceName("admin", "settings"), [new BsonBuilder().StartDocument().Int32("_id", 1).End().ToArray()]);

        foreach (var archive in new[] { false, true })
        {
            var location = archive ? DumpLocation.ArchiveFile(_folder.Combine("views.archive")) : DumpLocation.Directory(_folder.Combine("views"));
            var dump = await DumpJobRunner.DumpAsync(_source, location);
            Assert.True(dump.Status == JobStatus.Completed, dump.Reason);
            Assert.Equal("view", dump.Namespaces.Single(n => n.Source == "shop.big_orders").Kind);
            Assert.Contains(dump.Skipped, s => s.Namespace.FullName == "shop.readings" && s.Reason.Contains("time-series", StringComparison.Ordinal));
            Assert.Contains(dump.Skipped, s => s.Namespace.FullName == "admin.settings");

            await using var target = await SandboxServer.StartAsync(cancellationToken: ct);
            var restore = await DumpJobRunner.RestoreAsync(target, location, _folder.Combine("work-" + archive));
            Assert.True(restore.Status == JobStatus.Completed, restore.Reason);
            using var client = new MongoClient(target.ConnectionString);
            var view = client.GetDatabase("shop").GetCollection<BsonDocument>("big_orders");
            Assert.Equal(10, await view.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: ct));
            var info = await (await client.GetDatabase("shop").ListCollectionsAsync(new ListCollectionsOptions { Filter = "{name: 'big_orders'}" }, ct)).SingleAsync(ct);
            Assert.Equal("view", info["type"].AsString);
        }
    }

    internal static List<byte[]> MixedIdDocuments(int count, int size)
    {
        var padding = new string('x', size);
        return Enumerable.Range(0, count).Select(i =>
        {
            var builder = new BsonBuilder(size + 64).StartDocument();
            switch (i % 4)
            {
                case 0:
                    builder.Int32("_id", i);
                    break;
                case 1:
                    builder.String("_id", $"key-{i:D6}");
                    break;
                case 2:
                    builder.ObjectId("_id", ObjectId.Parse($"65a000000000000000{i:x6}"));
                    break;
                default:
                    builder.Double("_id", i + 0.5);
                    break;
            }

            return builder.Int32("n", i).String("pad", padding).End().ToArray();
        }).ToList();
    }

    private static byte[] EmptyTimestamps(int id) =>
        new BsonBuilder(64).StartDocument().Int32("_id", id).Timestamp("empty", 0).StartDocument("nested").Timestamp("empty", 0).End().Timestamp("other", 0).End().ToArray();

    private static byte[] Nested(int id, byte[] corpusDocument) =>
        new BsonBuilder(corpusDocument.Length + 32).StartDocument().Int32("_id", id).Document("v", new RawDocument(corpusDocument)).End().ToArray();

    private static byte[] Spread(int id, byte[] corpusDocument)
    {
        var builder = new BsonBuilder(corpusDocument.Length + 32).StartDocument().Int32("_id", id);
        foreach (var element in new RawDocument(corpusDocument))
        {
            // A corpus document's own _id would make a second one, which MongoDB refuses; it travels under another name.
            if (element.NameEquals("_id"u8))
            {
                builder.Value("corpus_id", element.Value);
                continue;
            }

            builder.Element(element);
        }

        return builder.End().ToArray();
    }

    private async Task InsertAsync(NamespaceName ns, IReadOnlyList<byte[]> documents)
    {
        var inserter = new BatchInserter(new RawCommandRunner(_sourceClient.GetDatabase(ns.Database)), ns.Collection);
        var result = await inserter.InsertAsync([.. documents.Select(d => new RawDocument(d))], TestContext.Current.CancellationToken);
        Assert.Equal(documents.Count, result.Inserted);
    }
}
