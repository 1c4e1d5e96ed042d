using System.Buffers.Binary;
using System.IO.Pipelines;
using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Engine.Tests.DumpFormat.Archive;

[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;

/// <summary>Runs alone: it measures the process's managed memory, which other tests running in parallel would disturb.</summary>
[Collection(nameof(MemoryMeasurement))]
public class ArchiveStreamingTests
{
    private const long TotalBytes = 200L * 1024 * 1024;
    private const int DocumentSize = 1024;
    private const int Producers = 4;
    private const long MaxGrowth = 64L * 1024 * 1024;

    [Fact]
    public async Task Two_hundred_megabytes_stream_through_writer_and_reader_in_bounded_memory()
    {
        var ct = TestContext.Current.CancellationToken;
        var perProducer = (int)(TotalBytes / DocumentSize / Producers);
        var namespaces = Enumerable.Range(0, Producers).Select(i => new ArchiveNamespace("big", "c" + i, new CollectionMetadata())).ToList();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        void Sample() => Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), GC.GetTotalMemory(false)));

        // The archive only ever exists in the pipe between the two sides, 64 KB at a time.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024));
        var started = TimeProvider.System.GetTimestamp();
        var write = Task.Run(
            async () =>
            {
                await using var output = pipe.Writer.AsStream();
                await using var writer = await ArchiveWriter.CreateAsync(output, new ArchiveHeader(Producers, "7.0", "test"), namespaces, cancellationToken: ct);
                await Task.WhenAll(namespaces.Select((ns, n) => Task.Run(
                    async () =>
                    {
                        var w = writer.OpenNamespace(ns);
                        var document = MakeDocument(n);
                        for (var i = 0; i < perProducer; i++)
                        {
                            BinaryPrimitives.WriteInt32LittleEndian(document.AsSpan(9), i);
                            await w.WriteAsync(document, ct);
                            if (i % 8192 == 0)
                            {
                                Sample();
                            }
                        }

                        await w.CompleteAsync(ct);
                    },
                    ct)));
                await writer.CompleteAsync(ct);
            },
            ct);

        var counts = new long[Producers];
        await using (var input = pipe.Reader.AsStream())
        await using (var reader = await ArchiveReader.OpenAsync(input, "pipe", cancellationToken: ct))
        {
            var seen = 0L;
            while (await reader.ReadAsync(ct))
            {
                if (reader.Kind != ArchiveRecordKind.Document)
                {
                    continue;
                }

                var n = reader.Document.Span[DocumentSize - 3] - 'a';
                var id = BinaryPrimitives.ReadInt32LittleEndian(reader.Document.Span[9..]);
                if (id != counts[n])
                {
                    Assert.Fail($"namespace {n}: document {id} came where {counts[n]} was expected");
                }
                counts[n]++;
                if (++seen % 8192 == 0)
                {
                    Sample();
                }
            }

            Assert.All(reader.Namespaces, ns => Assert.True(reader.GetStatistics(ns).IsComplete));
        }

        await write;
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        Assert.All(counts, c => Assert.Equal(perProducer, c));
        var growth = peak - baseline;
        Assert.True(growth < MaxGrowth, $"managed memory grew by {growth / (1024 * 1024)} MB while streaming {TotalBytes / (1024 * 1024)} MB");

        // How long it took depends on the machine's load, so it is told, not asserted.
        TestContext.Current.TestOutputHelper?.WriteLine($"{TotalBytes / (1024 * 1024)} MB in {elapsed.TotalSeconds:F2} s, peak growth {growth / 1024} KB");
    }

    [Fact]
    public async Task A_large_bson_file_reads_in_bounded_memory_and_without_per_document_garbage()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var path = folder.Combine("big.bson");
        await using (var writer = BsonFileWriter.Create(path))
        {
            var document = MakeDocument(0);
            for (var i = 0; i < 50_000; i++)
            {
                await writer.WriteAsync(document, ct);
            }

            await writer.CompleteAsync(ct);
        }

        await using var reader = BsonStreamReader.OpenFile(path);
        Assert.True(await reader.ReadAsync(ct));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        while (await reader.ReadAsync(ct))
        {
        }

        Assert.Equal(50_000, reader.DocumentCount);
        var perDocument = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 50_000.0;
        Assert.True(perDocument < 64, $"{perDocument:F1} bytes allocated per document");
    }

    private static byte[] MakeDocument(int producer)
    {
        var pad = DocumentSize - 4 - 7 - 4 - 1 - 4 - 1 - 1;
        var document = new BsonBuilder(DocumentSize)
            .StartDocument()
            .Int32("_id", 0)
            .String("s", new string((char)('a' + producer), pad))
            .End()
            .ToArray();
        Assert.Equal(DocumentSize, document.Length);
        return document;
    }
}
