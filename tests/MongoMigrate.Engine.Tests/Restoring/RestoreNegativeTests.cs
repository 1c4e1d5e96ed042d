using System.IO.Compression;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Tests.DumpFormat;
using MongoMigrate.Engine.Tests.Dumping;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Engine.Tests.Restoring;

/// <summary>
/// Broken dumps fail with an error that names the file and where it breaks, never hang or crash, and nothing
/// partly written is reported as a success.
/// </summary>
public sealed class RestoreNegativeTests
{
    public static TheoryData<string> BrokenBsonFiles => [.. DumpFixtures.NegativeBsonFiles.Select(r => r.Path)];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(BrokenBsonFiles))]
    public async Task A_broken_bson_file_fails_its_collection_naming_the_file_and_offset(string relative)
    {
        var row = DumpFixtures.Row(relative);
        using var folder = new TempFolder();
        var file = folder.Combine("dump", "broken", "data.bson");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.Copy(DumpFixtures.Path(relative), file);
        await using var target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var summary = await DumpJobRunner.RestoreAsync(target, DumpLocation.Directory(folder.Combine("dump")), folder.Combine("work"));

        Assert.Equal(JobStatus.Failed, summary.Status);
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(CollectionStatus.Failed, result.Status);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
        // INDEX.md's offsets are bsondump's; for an unknown type it counts past the element name, the reader names the type byte (21).
        var offset = relative.EndsWith("bad_type.bson", StringComparison.Ordinal) ? 21 : row.ErrorOffset;
        Assert.Contains(offset is null ? "offset" : $"offset {offset}", result.Error, StringComparison.Ordinal);
        Assert.Null(result.Crc);
        Assert.Contains(result.Error!, summary.Reason, StringComparison.Ordinal);

        // The documents before the break are in (nothing is lost), but the collection does not count as restored.
        using var client = new MongoClient(target.ConnectionString);
        Assert.Equal(row.DocumentCount, (int)await client.GetDatabase("broken").GetCollection<BsonDocument>("data").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_archive_with_broken_metadata_json_fails_before_writing_anything_naming_the_file_and_offset()
    {
        using var folder = new TempFolder();
        await using var target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var path = DumpFixtures.Path("mongorestore/testdata/bad-format.archive");

        var error = await Assert.ThrowsAsync<MigrationException>(() => DumpJobRunner.RestoreAsync(target, DumpLocation.ArchiveFile(path), folder.Combine("work")));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("offset", error.Message, StringComparison.Ordinal);
        Assert.Contains("test.ixtest", error.Message, StringComparison.Ordinal);
        using var client = new MongoClient(target.ConnectionString);
        Assert.DoesNotContain("test", await (await client.ListDatabaseNamesAsync(TestContext.Current.CancellationToken)).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("dump_with_malformed", "malformed_metadata.metadata.json", "not valid JSON at line 1")]
    [InlineData("dump_with_invalid", "invalid_metadata.metadata.json", "has no \"key\" document")]
    public async Task A_dump_with_broken_metadata_fails_naming_the_file_and_the_problem(string dump, string file, string problem)
    {
        using var folder = new TempFolder();
        await using var target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var root = DumpFixtures.Path("_removed_at_21a342df/test/qa-tests/jstests/restore/testdata/" + dump);

        var error = await Assert.ThrowsAsync<MigrationException>(() => DumpJobRunner.RestoreAsync(target, DumpLocation.Directory(root), folder.Combine("work")));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_archive_cut_short_restores_what_came_before_and_fails_the_rest_naming_the_offset()
    {
        using var folder = new TempFolder();
        var bytes = await WriteArchiveAsync(("a", 200), ("b", 200));
        var path = folder.Combine("cut.archive");
        await File.WriteAllBytesAsync(path, bytes.AsMemory(0, bytes.Length - 3000), TestContext.Current.CancellationToken);
        await using var target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var summary = await DumpJobRunner.RestoreAsync(target, DumpLocation.ArchiveFile(path), folder.Combine("work"));

        Assert.Equal(JobStatus.Failed, summary.Status);
        Assert.Equal(CollectionStatus.Completed, summary.Namespaces.Single(n => n.Source == "db.a").Status);
        var cut = summary.Namespaces.Single(n => n.Source == "db.b");
        Assert.Equal(CollectionStatus.Failed, cut.Status);
        Assert.StartsWith("The dump is damaged", summary.Reason, StringComparison.Ordinal);
        Assert.Contains(path, summary.Reason, StringComparison.Ordinal);
        Assert.Contains("offset", summary.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_changed_document_fails_its_namespace_on_the_crc_and_the_job_says_so()
    {
        using var folder = new TempFolder();
        var bytes = await WriteArchiveAsync(("a", 100));
        var at = bytes.AsSpan().IndexOf("value 00050"u8);
        bytes[at + 6] = (byte)'9';
        var path = folder.Combine("changed.archive");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        await using var target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var summary = await DumpJobRunner.RestoreAsync(target, DumpLocation.ArchiveFile(path), folder.Combine("work"));

        Assert.Equal(JobStatus.Failed, summary.Status);
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(CollectionStatus.Failed, result.Status);
        Assert.Contains("CRC mismatch for namespace db.a", result.Error, StringComparison.Ordinal);
        Assert.Contains("CRC mismatch", summary.Reason, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Damaged_gzip_data_fails_its_collection_naming_the_file()
    {
        using var folder = new TempFolder();
        var file = folder.Combine("dump", "db", "c.bson.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var plain = (await WriteDocumentsAsync(500)).SelectMany(d => d).ToArray();
        using (var output = File.Create(file))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(plain);
        }

        var damaged = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        for (var i = damaged.Length / 2; i < damaged.Length / 2 + 64; i++)
        {
            damaged[i] ^= 0x5A;
        }

        await File.WriteAllBytesAsync(file, damaged, TestContext.Current.CancellationToken);
        await using var target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var summary = await DumpJobRunner.RestoreAsync(target, DumpLocation.Directory(folder.Combine("dump")), folder.Combine("work"));

        Assert.Equal(JobStatus.Failed, summary.Status);
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(CollectionStatus.Failed, result.Status);
        Assert.Contains(file, result.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_dump_path_that_does_not_exist_is_named()
    {
        using var folder = new TempFolder();
        await using var target = await SandboxServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var missing = folder.Combine("nowhere");
        var error = await Assert.ThrowsAsync<MigrationException>(() => DumpJobRunner.RestoreAsync(target, DumpLocation.Directory(missing), folder.Combine("work")));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        error = await Assert.ThrowsAsync<MigrationException>(() => DumpJobRunner.RestoreAsync(target, DumpLocation.ArchiveFile(missing), folder.Combine("work")));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    internal static Task<List<byte[]>> WriteDocumentsAsync(int count) => Task.FromResult(Enumerable.Range(0, count)
        .Select(i => new BsonBuilder().StartDocument().Int32("_id", i).String("v", $"value {i:D5}").End().ToArray())
        .ToList());

    /// <summary>An archive of database "db" with the given collections, written one after the other.</summary>
    internal static async Task<byte[]> WriteArchiveAsync(params (string Collection, int Documents)[] collections)
    {
        var namespaces = collections.Select(c => new ArchiveNamespace("db", c.Collection, new CollectionMetadata { CollectionName = c.Collection, Type = "collection" })).ToList();
        using var output = new MemoryStream();
        await using (var writer = await ArchiveWriter.CreateAsync(output, new ArchiveHeader(1, "test", "test"), namespaces, new ArchiveWriterOptions { LeaveOpen = true, MaxSegmentBytes = 4096 }, TestContext.Current.CancellationToken))
        {
            foreach (var ns in namespaces)
            {
                var documents = await WriteDocumentsAsync(collections.Single(c => c.Collection == ns.Collection).Documents);
                var namespaceWriter = writer.OpenNamespace(ns);
                foreach (var document in documents)
                {
                    await namespaceWriter.WriteAsync(document, TestContext.Current.CancellationToken);
                }

                await namespaceWriter.CompleteAsync(TestContext.Current.CancellationToken);
            }

            await writer.CompleteAsync(TestContext.Current.CancellationToken);
        }

        return output.ToArray();
    }
}
