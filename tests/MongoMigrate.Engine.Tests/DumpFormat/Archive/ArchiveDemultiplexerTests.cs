using System.Collections.Concurrent;
using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Engine.Tests.DumpFormat.Archive;

public class ArchiveDemultiplexerTests
{
    private static readonly ArchiveHeader Header = new(4, "7.0.16", "test");

    [Fact]
    public async Task Interleaved_namespaces_fan_out_to_their_own_consumers_in_order()
    {
        var (bytes, namespaces) = await BuildInterleavedAsync(writers: 6, perNamespace: 3000);
        await using var reader = await ArchiveReader.OpenAsync(new MemoryStream(bytes), "demux", cancellationToken: TestContext.Current.CancellationToken);
        var received = new ConcurrentDictionary<string, List<byte[]>>();
        var demux = new ArchiveDemultiplexer(reader, new ArchiveDemultiplexerOptions { BatchDocuments = 64, BatchesPerNamespace = 2 });
        await demux.RunAsync(
            async (ns, batches, ct) =>
            {
                var list = received.GetOrAdd(ns.FullName, _ => []);
                await foreach (var batch in batches.ReadAllAsync(ct))
                {
                    using (batch)
                    {
                        foreach (var document in batch)
                        {
                            list.Add(document.ToArray());
                        }
                    }
                }
            },
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(namespaces.Count + 1, received.Count);
        Assert.Empty(received["db.empty"]);
        foreach (var (ns, n) in namespaces.Select((ns, n) => (ns, n)))
        {
            Assert.Equal(Enumerable.Range(0, 3000).Select(i => Document(n, i)), received[ns.FullName]);
        }
    }

    [Fact]
    public async Task Excluded_namespaces_are_read_checked_and_dropped()
    {
        var (bytes, namespaces) = await BuildInterleavedAsync(writers: 3, perNamespace: 500);
        await using var reader = await ArchiveReader.OpenAsync(new MemoryStream(bytes), "demux", cancellationToken: TestContext.Current.CancellationToken);
        var started = new ConcurrentBag<string>();
        await new ArchiveDemultiplexer(reader).RunAsync(
            async (ns, batches, ct) =>
            {
                started.Add(ns.FullName);
                await foreach (var batch in batches.ReadAllAsync(ct))
                {
                    batch.Dispose();
                }
            },
            ns => ns.Collection == "c1",
            TestContext.Current.CancellationToken);
        Assert.Equal(["db.c1"], started);
        Assert.Equal(namespaces.Count + 1, reader.Namespaces.Count);
        Assert.All(reader.Namespaces, ns => Assert.True(reader.GetStatistics(ns).IsComplete));
    }

    [Fact]
    public async Task A_consumer_that_stops_early_detaches_without_blocking_the_others()
    {
        var (bytes, namespaces) = await BuildInterleavedAsync(writers: 3, perNamespace: 2000);
        await using var reader = await ArchiveReader.OpenAsync(new MemoryStream(bytes), "demux", cancellationToken: TestContext.Current.CancellationToken);
        var counts = new ConcurrentDictionary<string, int>();
        await new ArchiveDemultiplexer(reader, new ArchiveDemultiplexerOptions { BatchDocuments = 10, BatchesPerNamespace = 1 }).RunAsync(
            async (ns, batches, ct) =>
            {
                await foreach (var batch in batches.ReadAllAsync(ct))
                {
                    counts.AddOrUpdate(ns.FullName, batch.Count, (_, c) => c + batch.Count);
                    batch.Dispose();
                    if (ns.Collection == "c0")
                    {
                        return;
                    }
                }
            },
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(10, counts["db.c0"]);
        Assert.Equal(2000, counts["db.c1"]);
        Assert.Equal(2000, counts["db.c2"]);
    }

    [Fact]
    public async Task A_crc_mismatch_reaches_the_namespaces_consumer_and_the_caller()
    {
        var (bytes, _) = await BuildInterleavedAsync(writers: 2, perNamespace: 100);
        var eof = ArchiveFormat.NamespaceHeader("db", "c1", true, 0);
        var at = bytes.AsSpan().IndexOf(eof.AsSpan(0, eof.Length - 9));
        bytes[at + eof.Length - 8] ^= 0xFF;
        await using var reader = await ArchiveReader.OpenAsync(new MemoryStream(bytes), "bad-crc", cancellationToken: TestContext.Current.CancellationToken);
        var consumerErrors = new ConcurrentBag<Exception>();
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => new ArchiveDemultiplexer(reader).RunAsync(
            async (ns, batches, ct) =>
            {
                try
                {
                    await foreach (var batch in batches.ReadAllAsync(ct))
                    {
                        batch.Dispose();
                    }
                }
                catch (Exception e)
                {
                    consumerErrors.Add(e);
                    throw;
                }
            },
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("CRC mismatch for namespace db.c1", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(consumerErrors);
    }

    [Fact]
    public async Task A_failing_consumer_stops_the_read_and_its_error_is_reported()
    {
        var (bytes, _) = await BuildInterleavedAsync(writers: 3, perNamespace: 2000);
        await using var reader = await ArchiveReader.OpenAsync(new MemoryStream(bytes), "fail", cancellationToken: TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new ArchiveDemultiplexer(reader, new ArchiveDemultiplexerOptions { BatchDocuments = 10, BatchesPerNamespace = 1 }).RunAsync(
            async (ns, batches, ct) =>
            {
                await foreach (var batch in batches.ReadAllAsync(ct))
                {
                    batch.Dispose();
                    if (ns.Collection == "c2")
                    {
                        throw new InvalidOperationException("insert failed");
                    }
                }
            },
            cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal("insert failed", error.Message);
    }

    internal static async Task<(byte[] Bytes, List<ArchiveNamespace> Namespaces)> BuildInterleavedAsync(int writers, int perNamespace)
    {
        var namespaces = Enumerable.Range(0, writers).Select(i => new ArchiveNamespace("db", "c" + i, new CollectionMetadata())).ToList();
        var empty = new ArchiveNamespace("db", "empty", new CollectionMetadata());
        var output = new MemoryStream();
        await using (var writer = await ArchiveWriter.CreateAsync(output, Header, [.. namespaces, empty], new ArchiveWriterOptions { LeaveOpen = true, MaxSegmentDocuments = 37 }, TestContext.Current.CancellationToken))
        {
            await writer.OpenNamespace(empty).CompleteAsync(TestContext.Current.CancellationToken);
            await Task.WhenAll(namespaces.Select((ns, n) => Task.Run(
                async () =>
                {
                    var w = writer.OpenNamespace(ns);
                    for (var i = 0; i < perNamespace; i++)
                    {
                        await w.WriteAsync(Document(n, i), TestContext.Current.CancellationToken);
                    }

                    await w.CompleteAsync(TestContext.Current.CancellationToken);
                },
                TestContext.Current.CancellationToken)));
            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        return (output.ToArray(), namespaces);
    }

    private static byte[] Document(int ns, int i) => new BsonBuilder().StartDocument().Int32("_id", i).Int32("n", ns).End().ToArray();
}
