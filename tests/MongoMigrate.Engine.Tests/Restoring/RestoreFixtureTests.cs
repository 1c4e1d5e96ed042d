using MongoDB.Driver;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.Tests.DumpFormat;
using MongoMigrate.Engine.Tests.DumpFormat.Archive;
using MongoMigrate.Engine.Tests.Dumping;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Engine.Tests.Restoring;

/// <summary>
/// Every directory dump and archive of the mongo-tools fixtures restored into an empty sandbox, plain and gzipped:
/// the namespaces and document counts INDEX.md lists, the documents byte for byte, and the same CRCs when the
/// restored data is dumped again as an archive.
/// </summary>
public sealed class RestoreFixtureTests
{
    private const string Restore = "mongorestore/testdata/";
    private const string QaRestore = "test/qa-tests/jstests/restore/testdata/";
    private const string Removed = "_removed_at_21a342df/test/qa-tests/jstests/restore/testdata/";

    /// <summary>Dump root → the namespaces it restores (with the data file INDEX.md counts, null for none) and those it leaves out.</summary>
    private static readonly Dictionary<string, (Namespace[] Restored, string[] Skipped)> Expected = new(StringComparer.Ordinal)
    {
        [Restore + "aws_test_db"] = ([new("aws_test_db.c1", Restore + "aws_test_db/c1.bson")], []),
        [Restore + "collMod_ttl_index"] = ([new("mongodump_test_db.coll1", Restore + "collMod_ttl_index/mongodump_test_db/coll1.bson")], ["admin.system.version"]),
        [Restore + "coll_with_geohaystack_index"] = ([new("geohaystack_test.foo", Restore + "coll_with_geohaystack_index/geohaystack_test/foo.bson")], []),
        [Restore + "coll_with_index"] = ([new("test.foo", Restore + "coll_with_index/test/foo.bson")], []),
        [Restore + "coll_with_ttl_index"] = ([new("test.foo", Restore + "coll_with_ttl_index/test/foo.bson")], []),
        [Restore + "coll_without_index"] = ([new("test.foo", Restore + "coll_without_index/test/foo.bson")], []),
        [Restore + "duplicate_index_key"] = ([new("indextest.duplicate_index_key", Restore + "duplicate_index_key/indextest/duplicate_index_key.bson")], []),
        [Restore + "foodump"] = ([new("test.foo", Restore + "foodump/test/foo.bson")], []),
        [Restore + "indexmetadata"] = ([new("indextest.test_coll_no_index_ns", Restore + "indexmetadata/indextest/test_coll_no_index_ns.bson")], []),
        [Restore + "indextestdump"] = ([new("indextest.test_collection", Restore + "indextestdump/indextest/test_collection.bson")], []),
        [Restore + "longindextestdump"] = ([new("longindextest.test_collection", Restore + "longindextestdump/longindextest/test_collection.bson")], []),
        [Restore + "oplogdumpmaxsize"] = ([new("db1.c1", Restore + "oplogdumpmaxsize/db1/c1.bson")], ["admin.system.version"]),
        [Restore + "prelude_test/prelude_db_target"] = ([new("test.foo", Restore + "prelude_test/prelude_db_target/test/foo.bson")], []),
        [Restore + "prelude_test/prelude_gzip"] = ([new("test.foo", Restore + "prelude_test/prelude_gzip/test/foo.bson.gz")], []),
        [Restore + "prelude_test/prelude_top_level"] = ([new("test.foo", Restore + "prelude_test/prelude_top_level/test/foo.bson")], []),
        [Restore + "prelude_test/server_version_unknown"] = ([new("test.foo", Restore + "prelude_test/server_version_unknown/test/foo.bson")], []),
        [Restore + "specialcharacter"] = ([new("db1.cafés", Restore + "specialcharacter/db1/caf%C3%A9s.bson")], []),
        [Restore + "testdirs"] =
        (
            [
                new("db1.c1", Restore + "testdirs/db1/c1.bson"),
                new("db1.c2", Restore + "testdirs/db1/c2.bson"),
                new("db1.c3", Restore + "testdirs/db1/c3.bson"),
                new("db1.c4", Restore + "testdirs/db1/c4.bson"),
                new("db2.c1", Restore + "testdirs/db2/c1.bin"),
            ],
            []
        ),
        ["test/legacy42/jstests/tool/data/dumprestore6"] = ([new("dumprestore6.foo", "test/legacy42/jstests/tool/data/dumprestore6/foo.bson")], []),
        [QaRestore + "dump_extended_json_options"] = ([new("test.changelog", QaRestore + "dump_extended_json_options/test/changelog.bson")], []),
        [QaRestore + "dump_ordered_partial_index"] = ([new("test.foo", null)], []),
        [QaRestore + "dump_with_oplog"] = ([new("test.data", QaRestore + "dump_with_oplog/test/data.bson")], []),
        [QaRestore + "dump_with_soft_links"] = ([new("dbOne.data", QaRestore + "dump_with_soft_links/dbOne/data.bson"), new("dbTwo.data", QaRestore + "dump_with_soft_links/dbTwo/data.bson")], []),
        [QaRestore + "soft_linked_db"] = ([new("soft_linked_db.data", QaRestore + "soft_linked_db/data.bson")], []),
        [Removed + "blankcoll"] = ([new("blankcoll.blank", Removed + "blankcoll/blank.bson"), new("blankcoll.blank_metadata", Removed + "blankcoll/blank_metadata.bson")], []),
        [Removed + "dump_empty"] = ([new("db_empty.coll_empty", Removed + "dump_empty/db_empty/coll_empty.bson")], []),
        [Restore + "test.bar.archive"] = ([new("test.bar", null, 1)], ["admin.system.version"]),
    };

    /// <summary>Dumps whose every namespace is one a restore leaves out, and the words that say why.</summary>
    public static TheoryData<string, string> NothingToRestore => new()
    {
        { Restore + "local", "'local' is a system database" },
        { Restore + "timeseries_tests/ts_dump", "time-series collections are not restored" },
        { Restore + "timeseries_tests/ts_dump_invalid_buckets", "time-series collections are not restored" },
        { Restore + "timeseries_tests/ts_dump_with_oplog", "time-series collections are not restored" },
        { Restore + "timeseries_tests/dump.archive", "time-series collections are not restored" },
        { Restore + "usersdump", "users and roles are never restored" },
        { Restore + "dump_local_oplog", "'local' is a system database" },
        { Removed + "blankdb", "holds no collections" },
        { Removed + "dump_with_complex_id_oplog", "oplog" },
    };

    public static TheoryData<bool> GzippedOrNot => [false, true];

    /// <summary>Every fixture once: gzipped inputs restore the same documents (above), so dumping them again proves nothing more.</summary>
    public static TheoryData<string> Roots => [.. Expected.Keys];

    public static TheoryData<string, bool> Fixtures
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var root in Expected.Keys)
            {
                data.Add(root, false);
                data.Add(root, true);
            }

            return data;
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Every_fixture_dump_restores_the_namespaces_and_documents_the_index_lists(string root, bool gzip)
    {
        var (restored, skipped) = Expected[root];
        using var folder = new TempFolder();
        var source = Prepare(root, gzip, folder);
        await using var target = await SandboxServer.StartAsync(cancellationToken: Ct);

        var summary = await DumpJobRunner.RestoreAsync(target, source, folder.Combine("work"));

        Assert.True(summary.Status == JobStatus.Completed, $"{summary.Reason} | {string.Join("; ", summary.Namespaces.Select(n => $"{n.Target}: {n.Error}"))}");
        Assert.Equal(restored.Select(r => r.Name).Order(StringComparer.Ordinal), summary.Namespaces.Select(n => n.Target).Order(StringComparer.Ordinal));
        Assert.Equal(skipped.Order(StringComparer.Ordinal), summary.Skipped.Select(s => s.Namespace.FullName).Order(StringComparer.Ordinal));
        using var client = new MongoClient(target.ConnectionString);
        foreach (var ns in restored)
        {
            var result = summary.Namespaces.Single(n => n.Target == ns.Name);
            var onTarget = await DumpJobRunner.ReadCollectionAsync(client, NamespaceName.Parse(ns.Name));
            Assert.Equal(ns.ExpectedDocuments, result.Documents);
            Assert.Equal(ns.ExpectedDocuments, onTarget.Count);
            if (ns.File is { } file)
            {
                var inFile = await DumpJobRunner.ReadFileAsync(DumpFixtures.Path(file));
                DumpJobRunner.AssertSameDocuments(inFile, onTarget, ns.Name);
                Assert.Equal(DumpJobRunner.Crc(inFile), result.Crc);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task A_restored_fixture_dumped_again_as_an_archive_has_the_original_crcs(string root)
    {
        var (restored, _) = Expected[root];
        using var folder = new TempFolder();
        var source = Prepare(root, false, folder);
        await using var server = await SandboxServer.StartAsync(cancellationToken: Ct);
        var restore = await DumpJobRunner.RestoreAsync(server, source, folder.Combine("work"));
        Assert.Equal(JobStatus.Completed, restore.Status);

        var archive = folder.Combine("again.archive");
        var dump = await DumpJobRunner.DumpAsync(server, DumpLocation.ArchiveFile(archive));

        Assert.True(dump.Status == JobStatus.Completed, dump.Reason);
        var contents = await ArchiveContents.ReadFileAsync(archive, new ArchiveReaderOptions { ValidateDocuments = true });
        Assert.Equal(restored.Select(r => r.Name).Order(StringComparer.Ordinal), contents.Namespaces.Select(n => n.FullName).Order(StringComparer.Ordinal));
        foreach (var ns in restored)
        {
            var original = restore.Namespaces.Single(n => n.Target == ns.Name).Crc;
            Assert.True(original == contents.Statistics[ns.Name].Crc, $"{ns.Name}: CRC {original:X16} in the fixture, {contents.Statistics[ns.Name].Crc:X16} dumped again");
            Assert.Equal(ns.ExpectedDocuments, contents.Statistics[ns.Name].DocumentCount);
        }
    }

    [Theory]
    [MemberData(nameof(GzippedOrNot))]
    public async Task A_dump_whose_data_breaks_a_unique_index_until_its_oplog_is_replayed_restores_the_data_and_fails_on_the_index(bool gzip)
    {
        // duplicate_index_key_with_oplog: two documents share a:1 in the .bson; the oplog deletes one. Without replay
        // the unique index cannot be built, and a restore that lacked the constraint must not pass for a success.
        const string root = Restore + "duplicate_index_key_with_oplog";
        using var folder = new TempFolder();
        await using var target = await SandboxServer.StartAsync(cancellationToken: Ct);

        var summary = await DumpJobRunner.RestoreAsync(target, Prepare(root, gzip, folder), folder.Combine("work"));

        Assert.Equal(JobStatus.Failed, summary.Status);
        var result = Assert.Single(summary.Namespaces);
        Assert.Equal(CollectionStatus.Failed, result.Status);
        Assert.Equal(2, result.Documents);
        Assert.Contains("unique index", result.Error, StringComparison.Ordinal);
        Assert.Contains("a_1", Assert.Single(result.IndexErrors), StringComparison.Ordinal);
        Assert.Contains(summary.Notes, n => n.Contains("oplog.bson", StringComparison.Ordinal) && n.Contains("not replayed", StringComparison.Ordinal));
        using var client = new MongoClient(target.ConnectionString);
        Assert.Equal(2, (await DumpJobRunner.ReadCollectionAsync(client, new NamespaceName("test", "foo"))).Count);
    }

    [Theory]
    [MemberData(nameof(NothingToRestore))]
    public async Task A_dump_with_nothing_restorable_fails_saying_what_was_left_out_and_why(string root, string reason)
    {
        using var folder = new TempFolder();
        await using var target = await SandboxServer.StartAsync(cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<MigrationException>(() => DumpJobRunner.RestoreAsync(target, Location(root), folder.Combine("work")));

        Assert.StartsWith("Nothing to restore from", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static DumpLocation Location(string root) => root.EndsWith(".archive", StringComparison.Ordinal)
        ? DumpLocation.ArchiveFile(DumpFixtures.Path(root))
        : DumpLocation.Directory(DumpFixtures.Path(root));

    /// <summary>The fixture as it is, or gzipped the way mongodump --gzip writes it (each file, or the whole archive).</summary>
    private static DumpLocation Prepare(string root, bool gzip, TempFolder folder)
    {
        var path = DumpFixtures.Path(root);
        if (!gzip)
        {
            return root.EndsWith(".archive", StringComparison.Ordinal) ? DumpLocation.ArchiveFile(path) : DumpLocation.Directory(path);
        }

        if (root.EndsWith(".archive", StringComparison.Ordinal))
        {
            var archive = folder.Combine("fixture.archive.gz");
            File.WriteAllBytes(archive, DumpFixtures.Gzip(File.ReadAllBytes(path)));
            return DumpLocation.ArchiveFile(archive);
        }

        // Same folder name: a database folder restored alone is named after it.
        var copy = folder.Combine("gz", Path.GetFileName(path));
        DumpFixtures.GzipTree(path, copy);
        return DumpLocation.Directory(copy);
    }

    /// <summary>A namespace a fixture restores, its data file, and the document count INDEX.md gives for that file.</summary>
    private sealed record Namespace(string Name, string? File, int? Documents = null)
    {
        public int ExpectedDocuments => Documents ?? (File is null ? 0 : DumpFixtures.ExpectedDocuments(File));
    }
}
