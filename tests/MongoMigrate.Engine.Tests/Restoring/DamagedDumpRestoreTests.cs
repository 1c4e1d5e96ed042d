using MongoDB.Driver;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Tests.DumpFormat;
using MongoMigrate.Engine.Tests.Dumping;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Engine.Tests.Restoring;

/// <summary>
/// A namespace whose checksum fails after its documents went in: the restore says exactly what it wrote from it, and
/// a rerun with a good dump (a new job, or the same job resumed) leaves the target equal to the dump, byte for byte.
/// </summary>
public sealed class DamagedDumpRestoreTests : IAsyncLifetime
{
    private const int Documents = 2000;

    private readonly TempFolder _folder = new();
    private SandboxServer _target = null!;
    private MongoClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _target = await SandboxServer.StartAsync(cancellationToken: Ct);
        _client = new MongoClient(_target.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _target.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_namespace_that_fails_its_checksum_says_exactly_what_was_written_from_it()
    {
        var (_, damaged) = await ArchivesAsync(inString: true);

        var summary = await DumpJobRunner.RestoreAsync(_target, DumpLocation.ArchiveFile(damaged), _folder.Combine("work"));

        // The first batches went in before the archive's checksum of the namespace, at its end, showed the damage.
        var written = await _client.GetDatabase("db").GetCollection<MongoDB.Bson.BsonDocument>("a").CountDocumentsAsync(FilterDefinition<MongoDB.Bson.BsonDocument>.Empty, cancellationToken: Ct);
        Assert.InRange(written, 1, Documents);
        Assert.Equal(JobStatus.Failed, summary.Status);
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(CollectionStatus.Failed, result.Status);
        Assert.Equal(written, result.Documents);
        Assert.Contains("CRC mismatch for namespace db.a", result.Error, StringComparison.Ordinal);
        Assert.Contains($"{written:N0} document(s) were written from this namespace ({written:N0} inserted, 0 replaced)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("nothing was restored from the damaged part", summary.Reason, StringComparison.Ordinal);
        Assert.Contains($"{written:N0} document(s) were written into db.a from the damaged part", summary.Reason, StringComparison.Ordinal);
        Assert.Contains("good dump", summary.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_restore_of_the_good_dump_replaces_the_documents_that_a_damaged_one_left_different()
    {
        var (good, damaged) = await ArchivesAsync(inString: true);
        Assert.Equal(JobStatus.Failed, (await DumpJobRunner.RestoreAsync(_target, DumpLocation.ArchiveFile(damaged), _folder.Combine("work"))).Status);

        var summary = await DumpJobRunner.RestoreAsync(_target, DumpLocation.ArchiveFile(good), _folder.Combine("work"));

        Assert.Equal(JobStatus.Completed, summary.Status);
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(1, result.Replaced);
        Assert.True(result.AlreadyPresent > 0, "the documents the damaged restore wrote right are found already present");
        await AssertTargetEqualsAsync();
    }

    [Fact]
    public async Task A_resume_with_the_good_dump_replaces_the_collection_whose_checksum_failed()
    {
        // The damage is in an _id: the damaged run wrote a document the good dump does not have.
        var (good, damaged) = await ArchivesAsync(inString: false);
        var path = _folder.Combine("dump.archive");
        File.Copy(damaged, path);
        var first = await DumpJobRunner.RestoreAsync(_target, DumpLocation.ArchiveFile(path), _folder.Combine("work"), o => o with { JobId = "damaged" });
        Assert.Equal(JobStatus.Failed, first.Status);

        File.Copy(good, path, overwrite: true);
        var resumed = await DumpJobRunner.RestoreAsync(_target, DumpLocation.ArchiveFile(path), _folder.Combine("work"), o => o with { JobId = "damaged", Resume = true });

        Assert.Equal(JobStatus.Completed, resumed.Status);
        await AssertTargetEqualsAsync();
    }

    private async Task AssertTargetEqualsAsync()
    {
        var expected = await RestoreNegativeTests.WriteDocumentsAsync(Documents);
        var actual = await DumpJobRunner.ReadCollectionAsync(_client, new NamespaceName("db", "a"));
        DumpJobRunner.AssertSameDocuments(expected, actual, "db.a");
    }

    /// <summary>A good archive of db.a (2,000 documents) and a copy with one byte flipped, in a string value or in an _id.</summary>
    private async Task<(string Good, string Damaged)> ArchivesAsync(bool inString)
    {
        var bytes = await RestoreNegativeTests.WriteArchiveAsync(("a", Documents));
        var good = _folder.Combine("good.archive");
        await File.WriteAllBytesAsync(good, bytes, Ct);
        var at = bytes.AsSpan().IndexOf("value 00050"u8);
        if (inString)
        {
            bytes[at + 6] = (byte)'9';
        }
        else
        {
            // Document 50: {_id: Int32 50, v: "value 00050"}; a flipped second byte of its _id makes it 4146, not in the dump.
            var id = bytes.AsSpan(0, at).LastIndexOf("_id\0"u8) + 4;
            Assert.Equal((50, 0), (bytes[id], bytes[id + 1]));
            bytes[id + 1] = 0x10;
        }

        var damaged = _folder.Combine("damaged.archive");
        await File.WriteAllBytesAsync(damaged, bytes, Ct);
        return (good, damaged);
    }
}
