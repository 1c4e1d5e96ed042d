using MongoDB.Driver;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Tests.DumpFormat;
using MongoMigrate.Engine.Tests.Dumping;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Engine.Tests.Restoring;

/// <summary>
/// The fixtures' loose .bson files (bsondump samples, single collections, oplog entries, server replies), each put
/// in a database folder beside its metadata if it has one, and restored: every document, byte for byte.
/// </summary>
public sealed class RestoreLooseFileTests
{
    public static TheoryData<string, string?> LooseFiles => new()
    {
        { "bsondump/testdata/all_in_one_doc.bson", null },
        { "bsondump/testdata/all_types.bson", null },
        { "bsondump/testdata/broken_array.bson", null },
        { "bsondump/testdata/sample.bson", null },
        { "mongodump/testdata/importCollection.bson", null },
        { "mongorestore/testdata/auth_version_3.bson", null },
        { "mongorestore/testdata/auth_version_5.bson", null },
        { "mongorestore/testdata/extra_oplog.bson", null },
        { "mongorestore/testdata/hashedIndexes.bson", "mongorestore/testdata/hashedIndexes.metadata.json" },
        { "mongorestore/testdata/system.version.no_auth_schema.bson", null },
        { "mongorestore/testdata/test_auto_idx.bson", "mongorestore/testdata/test_auto_idx.metadata.json" },
        { "mongorestore/testdata/local/test_auto_idx.bson", "mongorestore/testdata/local/test_auto_idx.metadata.json" },
        { "mongostat/test_data/server_status_new.bson", null },
        { "mongostat/test_data/server_status_old.bson", null },
        { "test/qa-tests/jstests/restore/testdata/soft_linked_collection.bson", null },
        { "test/qa-tests/jstests/restore/testdata/dump_with_soft_links/not_a_dir", null },
        { "mongorestore/testdata/timeseries_tests/ts_single_buckets_file/system.buckets.foo_ts.bson", null },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(LooseFiles))]
    public async Task Every_loose_bson_file_restores_every_document(string relative, string? metadata)
    {
        using var folder = new TempFolder();
        var database = folder.Combine("dump", "loose");
        Directory.CreateDirectory(database);
        File.Copy(DumpFixtures.Path(relative), Path.Combine(database, "c.bson"));
        if (metadata is not null)
        {
            File.Copy(DumpFixtures.Path(metadata), Path.Combine(database, "c.metadata.json"));
        }

        await using var target = await SandboxServer.StartAsync(cancellationToken: Ct);
        var summary = await DumpJobRunner.RestoreAsync(target, DumpLocation.Directory(folder.Combine("dump")), folder.Combine("work"));

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        var expected = DumpFixtures.ExpectedDocuments(relative);
        Assert.Equal(expected, Assert.Single(summary.Namespaces).Documents);
        using var client = new MongoClient(target.ConnectionString);
        var onTarget = await DumpJobRunner.ReadCollectionAsync(client, new NamespaceName("loose", "c"));
        var inFile = await DumpJobRunner.ReadFileAsync(DumpFixtures.Path(relative));
        if (inFile.All(DumpJobRunner.StartsWithId))
        {
            DumpJobRunner.AssertSameDocuments(inFile, onTarget, relative);
        }
        else
        {
            // Oplog entries and server replies have no _id: the server gives each one, as mongod does.
            Assert.Equal(expected, onTarget.Count);
        }
    }

    [Fact]
    public async Task A_document_nested_past_the_servers_limit_fails_its_namespace_with_the_servers_reason()
    {
        // deep_nested.bson holds a document nested past 200 levels: mongod refuses it ("BSONObj exceeded maximum
        // nested object depth: 200") and so does the sandbox; the restore must say so and offer the resume.
        using var folder = new TempFolder();
        var database = folder.Combine("dump", "loose");
        Directory.CreateDirectory(database);
        File.Copy(DumpFixtures.Path("bsondump/testdata/deep_nested.bson"), Path.Combine(database, "c.bson"));
        await using var target = await SandboxServer.StartAsync(cancellationToken: Ct);

        var summary = await DumpJobRunner.RestoreAsync(target, DumpLocation.Directory(folder.Combine("dump")), folder.Combine("work"));

        Assert.Equal(JobStatus.Failed, summary.Status);
        Assert.Contains("nested object depth", summary.Reason, StringComparison.Ordinal);
        Assert.Contains("--resume", summary.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_nested_past_the_drivers_limit_but_within_the_servers_restores_byte_for_byte()
    {
        using var folder = new TempFolder();
        var database = folder.Combine("dump", "loose");
        Directory.CreateDirectory(database);
        var document = NestedDocument(levels: 150);
        await File.WriteAllBytesAsync(Path.Combine(database, "c.bson"), document, Ct);
        await using var target = await SandboxServer.StartAsync(cancellationToken: Ct);

        var summary = await DumpJobRunner.RestoreAsync(target, DumpLocation.Directory(folder.Combine("dump")), folder.Combine("work"));

        Assert.True(summary.Status == JobStatus.Completed, summary.Reason);
        using var client = new MongoClient(target.ConnectionString);
        var onTarget = await DumpJobRunner.ReadCollectionAsync(client, new NamespaceName("loose", "c"));
        DumpJobRunner.AssertSameDocuments([document], onTarget, "150 levels");
    }

    /// <summary>{_id: 1, a: {a: {... {a: 1}}}} with <paramref name="levels"/> embedded documents, built as bytes.</summary>
    private static byte[] NestedDocument(int levels)
    {
        byte[] inner = [.. BitConverter.GetBytes(12), 0x10, (byte)'a', 0, .. BitConverter.GetBytes(1), 0];
        for (var i = 1; i < levels; i++)
        {
            inner = [.. BitConverter.GetBytes(inner.Length + 8), 0x03, (byte)'a', 0, .. inner, 0];
        }

        byte[] body = [0x10, (byte)'_', (byte)'i', (byte)'d', 0, .. BitConverter.GetBytes(1), 0x03, (byte)'a', 0, .. inner];
        return [.. BitConverter.GetBytes(body.Length + 5), .. body, 0];
    }

    [Fact]
    public async Task Legacy_collection_options_are_left_out_with_a_note()
    {
        using var folder = new TempFolder();
        var database = folder.Combine("dump", "legacy");
        Directory.CreateDirectory(database);
        File.Copy(DumpFixtures.Path("mongorestore/testdata/test_auto_idx.bson"), Path.Combine(database, "c.bson"));
        File.Copy(DumpFixtures.Path("mongorestore/testdata/test_auto_idx.metadata.json"), Path.Combine(database, "c.metadata.json"));
        await using var target = await SandboxServer.StartAsync(cancellationToken: Ct);

        var summary = await DumpJobRunner.RestoreAsync(target, DumpLocation.Directory(folder.Combine("dump")), folder.Combine("work"));

        var result = Assert.Single(summary.Namespaces);
        Assert.Contains(result.Notes, n => n.Contains("autoIndexId", StringComparison.Ordinal));
        using var client = new MongoClient(target.ConnectionString);
        var collections = await (await client.GetDatabase("legacy").ListCollectionsAsync(cancellationToken: Ct)).ToListAsync(Ct);
        Assert.False(Assert.Single(collections)["options"].AsBsonDocument.Contains("autoIndexId"));
    }
}
