using System.Buffers.Binary;
using System.IO.Compression;
using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Engine.Tests.DumpFormat.Archive;

public class ArchiveWriterTests
{
    private static readonly ArchiveHeader Header = new(8, "7.0.16", "mongomigrate-test");

    public static TheoryData<string> GoodArchives => ArchiveReaderTests.GoodArchives;

    public static TheoryData<bool, bool> Compression => new() { { false, false }, { true, false }, { true, true } };

    [Theory]
    [MemberData(nameof(GoodArchives))]
    public async Task An_archive_read_and_written_again_keeps_every_namespaces_crc_and_document(string relative)
    {
        var original = await ArchiveContents.ReadFileAsync(DumpFixtures.Path(relative));
        foreach (var (gzip, parallel) in new[] { (false, false), (true, false), (true, true) })
        {
            var bytes = await original.WriteAsync(new ArchiveWriterOptions { Gzip = gzip, ParallelCompression = parallel });
            Assert.Equal(gzip, ArchiveFormat.LooksGzipped(bytes));
            var again = await ArchiveContents.ReadAsync(new MemoryStream(bytes), "rewritten");
            ArchiveReaderTests.AssertAsIndexed(relative, again);
            Assert.Equal(original.Header, again.Header);
            foreach (var ns in original.Namespaces)
            {
                var rewritten = again.Namespaces.Single(n => n.FullName == ns.FullName);
                Assert.Equal(ns.MetadataJson, rewritten.MetadataJson);
                Assert.Equal(ns.Type, rewritten.Type);
                Assert.Equal(original.Statistics[ns.FullName].Crc, again.Statistics[ns.FullName].Crc);
                Assert.Equal(original.DocumentsOf(ns.FullName), again.DocumentsOf(ns.FullName));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Compression))]
    public async Task Every_corpus_document_goes_through_an_archive_byte_for_byte(bool gzip, bool parallel)
    {
        var corpus = BsonCorpusFixtures.Valid();
        Assert.Equal(728, corpus.Count);
        var ns = new ArchiveNamespace("corpus", "docs", new CollectionMetadata());
        var output = new MemoryStream();
        await using (var writer = await ArchiveWriter.CreateAsync(output, Header, [ns], new ArchiveWriterOptions { Gzip = gzip, ParallelCompression = parallel, LeaveOpen = true, MaxSegmentDocuments = 100 }, TestContext.Current.CancellationToken))
        {
            var docs = writer.OpenNamespace(ns);
            foreach (var (_, bytes, _) in corpus)
            {
                await docs.WriteAsync(bytes, TestContext.Current.CancellationToken);
            }

            await docs.CompleteAsync(TestContext.Current.CancellationToken);
            Assert.Equal(8, docs.SegmentCount);
            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var contents = await ArchiveContents.ReadAsync(new MemoryStream(output.ToArray()), "corpus", new ArchiveReaderOptions { ValidateDocuments = true });
        Assert.Equal(corpus.Select(c => c.Bytes), contents.DocumentsOf("corpus.docs"));
        Assert.Equal(8, contents.Statistics["corpus.docs"].SegmentCount);
    }

    [Fact]
    public async Task Eight_concurrent_writers_interleave_segments_that_read_back_in_order()
    {
        const int writers = 8;
        const int perNamespace = 2000;
        var namespaces = Enumerable.Range(0, writers).Select(i => new ArchiveNamespace("db" + (i % 2), "c" + i, new CollectionMetadata { CollectionName = "c" + i })).ToList();
        var output = new MemoryStream();
        var options = new ArchiveWriterOptions { LeaveOpen = true, MaxSegmentDocuments = 50, MaxSegmentBytes = 4096 };
        // Every 250 documents the writers wait for each other, so their segments interleave however the threads are scheduled.
        const int phase = 250;
        var meetings = Enumerable.Range(0, perNamespace / phase).Select(_ => new WriterMeeting(writers)).ToArray();
        await using (var writer = await ArchiveWriter.CreateAsync(output, Header, namespaces, options, TestContext.Current.CancellationToken))
        {
            await Task.WhenAll(namespaces.Select((ns, n) => Task.Run(
                async () =>
                {
                    var w = writer.OpenNamespace(ns.Database, ns.Collection);
                    for (var i = 0; i < perNamespace; i++)
                    {
                        if (i > 0 && i % phase == 0)
                        {
                            await meetings[(i / phase) - 1].ArriveAsync();
                        }

                        await w.WriteAsync(Document(n, i), TestContext.Current.CancellationToken);
                    }

                    await w.CompleteAsync(TestContext.Current.CancellationToken);
                },
                TestContext.Current.CancellationToken)));
            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var contents = await ArchiveContents.ReadAsync(new MemoryStream(output.ToArray()), "interleaved", new ArchiveReaderOptions { ValidateDocuments = true });
        for (var n = 0; n < writers; n++)
        {
            var documents = contents.DocumentsOf(namespaces[n].FullName);
            Assert.Equal(perNamespace, documents.Count);
            for (var i = 0; i < perNamespace; i++)
            {
                Assert.Equal(Document(n, i), documents[i]);
            }

            Assert.True(contents.Statistics[namespaces[n].FullName].SegmentCount >= perNamespace / 50);
        }

        var switches = contents.Sequence.Zip(contents.Sequence.Skip(1)).Count(p => p.First != p.Second);
        Assert.True(switches > writers * 4, $"only {switches} namespace switches: segments did not interleave");
    }

    [Fact]
    public async Task An_empty_collection_and_a_view_get_a_header_then_the_terminator_at_once()
    {
        var empty = new ArchiveNamespace("test", "empty", new CollectionMetadata { CollectionName = "empty", Type = "collection" });
        var view = new ArchiveNamespace("test", "v", new CollectionMetadata { Options = new BsonBuilder().StartDocument().String("viewOn", "empty").StartArray("pipeline").End().End().ToDocument(), Type = "view" });
        var output = new MemoryStream();
        await using (var writer = await ArchiveWriter.CreateAsync(output, Header, [empty, view], new ArchiveWriterOptions { LeaveOpen = true }, TestContext.Current.CancellationToken))
        {
            await writer.OpenNamespace(empty).CompleteAsync(TestContext.Current.CancellationToken);
            await writer.OpenNamespace(view).CompleteAsync(TestContext.Current.CancellationToken);
            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var bytes = output.ToArray();
        var segmentHeader = ArchiveFormat.NamespaceHeader("test", "empty", false, 0);
        var at = bytes.AsSpan().IndexOf(segmentHeader);
        Assert.True(at > 0);
        Assert.Equal(-1, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + segmentHeader.Length)));
        Assert.Equal(ArchiveFormat.NamespaceHeader("test", "empty", true, 0), bytes.AsSpan(at + segmentHeader.Length + 4, segmentHeader.Length).ToArray());

        var contents = await ArchiveContents.ReadAsync(new MemoryStream(bytes), "empty");
        Assert.Equal(["end:test.empty", "end:test.v"], contents.Sequence);
        Assert.True(contents.Namespaces[1].IsView);
        Assert.Equal("view", contents.Namespaces[1].Type);
    }

    [Fact]
    public async Task Time_series_data_goes_under_the_buckets_namespace_and_the_oplog_under_an_empty_db()
    {
        var ts = new ArchiveNamespace("tsdb", "weather", new CollectionMetadata { Options = new BsonBuilder().StartDocument().StartDocument("timeseries").String("timeField", "t").End().End().ToDocument(), Type = "timeseries" });
        var oplog = ArchiveNamespace.Oplog();
        var output = new MemoryStream();
        await using (var writer = await ArchiveWriter.CreateAsync(output, Header, [ts, oplog], new ArchiveWriterOptions { LeaveOpen = true }, TestContext.Current.CancellationToken))
        {
            var buckets = writer.OpenNamespace("tsdb", "system.buckets.weather");
            await buckets.WriteAsync(ArchiveReaderTests.Doc(1), TestContext.Current.CancellationToken);
            await buckets.CompleteAsync(TestContext.Current.CancellationToken);
            var log = writer.OpenNamespace(oplog);
            await log.WriteAsync(ArchiveReaderTests.Doc(2), TestContext.Current.CancellationToken);
            await log.CompleteAsync(TestContext.Current.CancellationToken);
            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var bytes = output.ToArray();
        Assert.True(bytes.AsSpan().IndexOf(ArchiveFormat.NamespaceHeader("tsdb", "system.buckets.weather", false, 0)) > 0);
        var contents = await ArchiveContents.ReadAsync(new MemoryStream(bytes), "ts");
        Assert.Equal("system.buckets.weather", contents.Statistics["tsdb.weather"].DataCollection);
        Assert.True(contents.Namespaces[1].IsOplog);
        Assert.Equal(string.Empty, contents.Namespaces[1].MetadataJson);
        Assert.Single(contents.DocumentsOf(".oplog"));
    }

    [Fact]
    public async Task Time_series_data_can_also_go_under_the_collections_own_name_as_from_servers_since_8_3()
    {
        var ts = new ArchiveNamespace("tsdb", "weather", new CollectionMetadata { Type = "timeseries" });
        var output = new MemoryStream();
        await using (var writer = await ArchiveWriter.CreateAsync(output, Header, [ts], new ArchiveWriterOptions { LeaveOpen = true }, TestContext.Current.CancellationToken))
        {
            var data = writer.OpenNamespace("tsdb", "weather");
            Assert.Equal("weather", data.DataCollection);
            await data.WriteAsync(ArchiveReaderTests.Doc(1), TestContext.Current.CancellationToken);
            await data.CompleteAsync(TestContext.Current.CancellationToken);
            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var contents = await ArchiveContents.ReadAsync(new MemoryStream(output.ToArray()), "ts");
        Assert.Equal("weather", contents.Statistics["tsdb.weather"].DataCollection);
        Assert.Single(contents.DocumentsOf("tsdb.weather"));
    }

    [Fact]
    public async Task The_writer_refuses_what_a_reader_would_refuse()
    {
        var ns = new ArchiveNamespace("test", "a", new CollectionMetadata());
        var other = new ArchiveNamespace("test", "b", new CollectionMetadata());
        await using var writer = await ArchiveWriter.CreateAsync(new MemoryStream(), Header, [ns, other], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Throws<InvalidOperationException>(() => writer.OpenNamespace("test", "unknown"));
        var a = writer.OpenNamespace(ns);
        Assert.Throws<InvalidOperationException>(() => writer.OpenNamespace(ns));
        await Assert.ThrowsAsync<ArgumentException>(async () => await a.WriteAsync(new byte[] { 9, 0, 0, 0, 0 }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(async () => await a.WriteAsync(new byte[] { 5, 0, 0, 0, 1 }, TestContext.Current.CancellationToken));
        await a.CompleteAsync(TestContext.Current.CancellationToken);
        var incomplete = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync(TestContext.Current.CancellationToken));
        Assert.Contains("test.b", incomplete.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_larger_than_a_segment_goes_alone_in_its_own_segment()
    {
        var ns = new ArchiveNamespace("test", "big", new CollectionMetadata());
        var big = new BsonBuilder().StartDocument().String("s", new string('x', 100_000)).End().ToArray();
        var output = new MemoryStream();
        await using (var writer = await ArchiveWriter.CreateAsync(output, Header, [ns], new ArchiveWriterOptions { LeaveOpen = true, MaxSegmentBytes = 1000 }, TestContext.Current.CancellationToken))
        {
            var w = writer.OpenNamespace(ns);
            await w.WriteAsync(ArchiveReaderTests.Doc(1), TestContext.Current.CancellationToken);
            await w.WriteAsync(big, TestContext.Current.CancellationToken);
            await w.WriteAsync(ArchiveReaderTests.Doc(2), TestContext.Current.CancellationToken);
            await w.CompleteAsync(TestContext.Current.CancellationToken);
            Assert.Equal(3, w.SegmentCount);
            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var contents = await ArchiveContents.ReadAsync(new MemoryStream(output.ToArray()), "big");
        Assert.Equal([ArchiveReaderTests.Doc(1), big, ArchiveReaderTests.Doc(2)], contents.DocumentsOf("test.big"));
    }

    [Fact]
    public async Task A_gzipped_archive_is_one_gzip_stream_that_any_gzip_reader_opens()
    {
        var original = await ArchiveContents.ReadFileAsync(DumpFixtures.Path("mongorestore/testdata/test.bar.archive"));
        var plain = await original.WriteAsync();
        var gzipped = await original.WriteAsync(new ArchiveWriterOptions { Gzip = true });
        await using var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        var inflated = new MemoryStream();
        await gzip.CopyToAsync(inflated, TestContext.Current.CancellationToken);
        Assert.Equal(plain, inflated.ToArray());
    }

    private static byte[] Document(int ns, int i) =>
        new BsonBuilder().StartDocument().Int32("_id", i).Int32("ns", ns).String("pad", new string((char)('a' + (i % 26)), i % 40)).End().ToArray();

    /// <summary>Writers wait here until all of them have arrived.</summary>
    private sealed class WriterMeeting(int expected)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) == expected)
            {
                _all.SetResult();
            }

            return _all.Task;
        }
    }
}
