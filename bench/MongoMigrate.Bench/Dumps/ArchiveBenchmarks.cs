using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Bench.Dumps;

/// <summary>
/// Archive throughput for 1 KB documents (32 MiB per operation, so MB/s = 32 / mean seconds × 1.048576),
/// and CRC-64 throughput over 64 MiB. Run: dotnet run -c Release --project bench/MongoMigrate.Bench -- --filter '*ArchiveBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class ArchiveBenchmarks
{
    private const int DocumentSize = 1024;
    private const int Documents = 32 * 1024;
    private const int Producers = 4;

    private readonly ArchiveHeader _header = new(Producers, "7.0.16", "bench");
    private byte[][] _documents = [];
    private byte[] _plainArchive = [];
    private byte[] _gzipArchive = [];
    private byte[] _crcData = [];
    private List<ArchiveNamespace> _namespaces = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // 256 distinct documents (256 KiB, more than deflate's 32 KiB window) of word-like text, so gzip sees
        // realistic input instead of one document repeated.
        var random = new Random(1);
        var words = Enumerable.Range(0, 500).Select(_ => new string(Enumerable.Range(0, random.Next(2, 10)).Select(_ => (char)('a' + random.Next(26))).ToArray())).ToArray();
        _documents = Enumerable.Range(0, 256).Select(i =>
        {
            var text = new System.Text.StringBuilder();
            while (text.Length < DocumentSize - 22)
            {
                text.Append(words[random.Next(words.Length)]).Append(' ');
            }

            return new BsonBuilder(DocumentSize).StartDocument().Int32("_id", i).String("s", text.ToString(0, DocumentSize - 22)).End().ToArray();
        }).ToArray();

        _namespaces = Enumerable.Range(0, Producers).Select(i => new ArchiveNamespace("bench", "c" + i, new CollectionMetadata())).ToList();
        _plainArchive = await WriteAsync(new ArchiveWriterOptions(), 1, keep: true);
        _gzipArchive = await WriteAsync(new ArchiveWriterOptions { Gzip = true }, 1, keep: true);
        _crcData = new byte[64 * 1024 * 1024];
        random.NextBytes(_crcData);
    }

    [Benchmark]
    public Task<byte[]> Write() => WriteAsync(new ArchiveWriterOptions(), 1);

    [Benchmark]
    public Task<byte[]> Write_4_producers() => WriteAsync(new ArchiveWriterOptions(), Producers);

    [Benchmark]
    public Task<byte[]> Write_gzip() => WriteAsync(new ArchiveWriterOptions { Gzip = true }, 1);

    [Benchmark]
    public Task<byte[]> Write_gzip_fastest() => WriteAsync(new ArchiveWriterOptions { Gzip = true, CompressionLevel = CompressionLevel.Fastest }, 1);

    [Benchmark]
    public Task<byte[]> Write_gzip_parallel_4_producers() => WriteAsync(new ArchiveWriterOptions { Gzip = true, ParallelCompression = true }, Producers);

    [Benchmark]
    public Task<long> Read() => ReadAsync(_plainArchive);

    [Benchmark]
    public Task<long> Read_gzip() => ReadAsync(_gzipArchive);

    [Benchmark]
    public ulong Crc64_64MiB() => Crc64.Compute(_crcData);

    private async Task<byte[]> WriteAsync(ArchiveWriterOptions options, int producers, bool keep = false)
    {
        Stream output = keep ? new MemoryStream() : Stream.Null;
        await using (var writer = await ArchiveWriter.CreateAsync(output, _header, _namespaces, options with { LeaveOpen = true }))
        {
            await Task.WhenAll(_namespaces.Select((ns, n) => Task.Run(async () =>
            {
                var w = writer.OpenNamespace(ns);
                if (n < producers)
                {
                    for (var i = 0; i < Documents / producers; i++)
                    {
                        await w.WriteAsync(_documents[i & 255]);
                    }
                }

                await w.CompleteAsync();
            })));
            await writer.CompleteAsync();
        }

        return keep ? ((MemoryStream)output).ToArray() : [];
    }

    private static async Task<long> ReadAsync(byte[] archive)
    {
        await using var reader = await ArchiveReader.OpenAsync(new MemoryStream(archive), "bench");
        long count = 0;
        while (await reader.ReadAsync())
        {
            count++;
        }

        return count;
    }
}
