using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Tests.DumpFormat.Archive;

namespace MongoMigrate.Engine.Tests.DumpFormat;

public class DumpDirectoryTests
{
    private const string Restore = "mongorestore/testdata/";
    private const string QaRestore = "test/qa-tests/jstests/restore/testdata/";
    private const string Removed = "_removed_at_21a342df/test/qa-tests/jstests/restore/testdata/";

    /// <summary>Dump roots: the namespaces each holds (db.collection:kind), and whether it has an oplog.</summary>
    public static TheoryData<string, string[], bool> Roots => new()
    {
        { Restore + "collMod_ttl_index", ["admin.system.version:AuthVersion", "mongodump_test_db.coll1:Collection"], true },
        { Restore + "coll_with_geohaystack_index", ["geohaystack_test.foo:Collection"], false },
        { Restore + "coll_with_index", ["test.foo:Collection"], false },
        { Restore + "coll_with_ttl_index", ["test.foo:Collection"], false },
        { Restore + "coll_without_index", ["test.foo:Collection"], false },
        { Restore + "commit_indexes_build", [], true },
        { Restore + "create_indexes", [], true },
        { Restore + "dump_local_oplog", ["local.oplog.rs:Collection"], false },
        { Restore + "dump_oplog_conflict", [], true },
        { Restore + "dump_with_noop_in_oplog", [], true },
        { Restore + "duplicate_index_key", ["indextest.duplicate_index_key:Collection"], false },
        { Restore + "duplicate_index_key_with_oplog", ["test.foo:Collection"], true },
        { Restore + "foodump", ["test.foo:Collection"], false },
        { Restore + "indexmetadata", ["indextest.test_coll_no_index_ns:Collection"], false },
        { Restore + "indextestdump", ["indextest.test_collection:Collection"], false },
        { Restore + "longindextestdump", ["longindextest.test_collection:Collection"], false },
        { Restore + "oplog_ignore_index", [], true },
        { Restore + "oplog_partial_skips", [], true },
        { Restore + "oplogdumpmaxsize", ["admin.system.version:AuthVersion", "db1.c1:Collection"], false },
        { Restore + "prelude_test/prelude_db_target", ["test.foo:Collection"], false },
        { Restore + "prelude_test/prelude_gzip", ["test.foo:Collection"], false },
        { Restore + "prelude_test/prelude_top_level", ["test.foo:Collection"], false },
        { Restore + "prelude_test/server_version_unknown", ["test.foo:Collection"], false },
        { Restore + "specialcharacter", ["db1.cafés:Collection"], false },
        { Restore + "testdirs", ["db1.c1:Collection", "db1.c2:Collection", "db1.c3:Collection", "db1.c4:Collection", "db2.c1:Collection"], true },
        { Restore + "timeseries_tests/ts_dump", ["admin.system.version:AuthVersion", "admin.system.views:Collection", "timeseries_test.foo_ts:TimeSeries"], false },
        { Restore + "timeseries_tests/ts_dump_invalid_buckets", ["admin.system.version:AuthVersion", "admin.system.views:Collection", "timeseries_test.foo_ts:TimeSeries"], false },
        {
            Restore + "timeseries_tests/ts_dump_with_oplog",
            ["admin.system.version:AuthVersion", "admin.system.views:Collection", "config.external_validation_keys:Collection", "config.tenantMigrationDonors:Collection", "config.tenantMigrationRecipients:Collection", "timeseries_test.foo_ts:TimeSeries"],
            true
        },
        { Restore + "tools-2002", [], true },
        { Restore + "usersdump", ["admin.system.roles:Roles", "admin.system.users:Users", "admin.system.version:AuthVersion"], false },
        { QaRestore + "dump_extended_json_options", ["test.changelog:Collection"], false },
        { QaRestore + "dump_ordered_partial_index", ["test.foo:Collection"], false },
        { QaRestore + "dump_with_oplog", ["test.data:Collection"], true },
        { QaRestore + "dump_with_soft_links", ["dbOne.data:Collection", "dbTwo.data:Collection"], false },
        { Removed + "dump_empty", ["db_empty.coll_empty:Collection"], false },
        { Removed + "dump_with_complex_id_oplog", [], true },
    };

    /// <summary>Folders that are one database's dump.</summary>
    public static TheoryData<string, string, string[]> DatabaseFolders => new()
    {
        { Restore + "aws_test_db", "aws", ["c1:Collection"] },
        { Restore + "local", "local", ["test_auto_idx:Collection"] },
        { Restore + "timeseries_tests/ts_single_buckets_file", "ts", ["foo_ts:TimeSeries"] },
        { "test/legacy42/jstests/tool/data/dumprestore6", "test", ["foo:Collection"] },
        { QaRestore + "soft_linked_db", "soft", ["data:Collection"] },
        { Removed + "blankcoll", "blank", ["blank:Collection", "blank_metadata:Collection"] },
        { Removed + "blankdb", "blankdb", [] },
    };

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task Every_directory_dump_enumerates_its_namespaces_and_reads_its_documents(string relative, string[] expected, bool hasOplog)
    {
        var dump = await DumpDirectory.OpenAsync(DumpFixtures.Path(relative), TestContext.Current.CancellationToken);
        Assert.Equal(expected, dump.Namespaces.Select(n => $"{n.FullName}:{n.Kind}"));
        Assert.Equal(hasOplog, dump.OplogPath is not null);
        await AssertCountsAsIndexedAsync(dump);
    }

    [Theory]
    [MemberData(nameof(DatabaseFolders))]
    public async Task Every_single_database_folder_enumerates_its_collections(string relative, string database, string[] expected)
    {
        var dump = await DumpDirectory.OpenDatabaseAsync(DumpFixtures.Path(relative), database, TestContext.Current.CancellationToken);
        Assert.Equal(expected, dump.Namespaces.Select(n => $"{n.Collection}:{n.Kind}"));
        Assert.All(dump.Namespaces, n => Assert.Equal(database, n.Database));
        await AssertCountsAsIndexedAsync(dump);
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task The_same_dumps_gzipped_file_by_file_give_the_same_namespaces_documents_and_metadata(string relative, string[] expected, bool hasOplog)
    {
        using var folder = new TempFolder();
        DumpFixtures.GzipTree(DumpFixtures.Path(relative), folder.Path);
        var plain = await DumpDirectory.OpenAsync(DumpFixtures.Path(relative), TestContext.Current.CancellationToken);
        var gzipped = await DumpDirectory.OpenAsync(folder.Path, TestContext.Current.CancellationToken);
        Assert.Equal(expected, gzipped.Namespaces.Select(n => $"{n.FullName}:{n.Kind}"));
        Assert.Equal(hasOplog, gzipped.OplogPath is not null);
        Assert.All(gzipped.Namespaces.Where(n => n.DataPath?.EndsWith(".bin", StringComparison.Ordinal) == false), n => Assert.True(n.DataIsGzipped));
        await AssertSameAsync(plain, gzipped);
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task A_dump_written_and_read_back_is_identical_in_documents_and_equivalent_in_metadata(string relative, string[] expected, bool hasOplog)
    {
        _ = expected;
        var original = await DumpDirectory.OpenAsync(DumpFixtures.Path(relative), TestContext.Current.CancellationToken);
        foreach (var gzip in new[] { false, true })
        {
            using var folder = new TempFolder();
            await CopyAsync(original, new DumpDirectoryWriter(folder.Path, gzip));
            var copy = await DumpDirectory.OpenAsync(folder.Path, TestContext.Current.CancellationToken);
            Assert.Equal(hasOplog, copy.OplogPath is not null);
            Assert.Equal(original.Prelude, copy.Prelude);
            await AssertSameAsync(original, copy);
        }
    }

    [Fact]
    public async Task The_directory_walk_reports_what_it_skips_as_mongorestore_does()
    {
        var dump = await DumpDirectory.OpenAsync(DumpFixtures.Path(Restore + "testdirs"), TestContext.Current.CancellationToken);
        Assert.Contains(dump.Skipped, s => s.Contains("badfile.txt", StringComparison.Ordinal));
        Assert.Contains(dump.Skipped, s => s.Contains("baddir", StringComparison.Ordinal));
        Assert.Contains(dump.Skipped, s => s.Contains("c2.txt", StringComparison.Ordinal));
        var byName = dump.Namespaces.ToDictionary(n => n.FullName);
        Assert.Null(byName["db1.c2"].MetadataPath);
        Assert.NotNull(byName["db1.c3"].MetadataPath);
        Assert.Null(byName["db1.c3"].Metadata);
        Assert.EndsWith("c1.bin", byName["db2.c1"].DataPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Views_time_series_preludes_and_special_names_are_reported()
    {
        var ts = await DumpDirectory.OpenAsync(DumpFixtures.Path(Restore + "timeseries_tests/ts_dump"), TestContext.Current.CancellationToken);
        var foo = ts.Namespaces.Single(n => n.Collection == "foo_ts");
        Assert.Equal("system.buckets.foo_ts", foo.DataCollection);
        Assert.True(foo.Metadata!.IsTimeSeries);
        Assert.EndsWith("foo_ts.metadata.json", foo.MetadataPath, StringComparison.Ordinal);

        var top = await DumpDirectory.OpenAsync(DumpFixtures.Path(Restore + "prelude_test/prelude_top_level"), TestContext.Current.CancellationToken);
        Assert.Equal(new DumpPrelude("7.0.16", string.Empty), top.Prelude);
        var perDb = await DumpDirectory.OpenAsync(DumpFixtures.Path(Restore + "prelude_test/prelude_db_target"), TestContext.Current.CancellationToken);
        Assert.Equal(new DumpPrelude("7.0.16", string.Empty), perDb.Prelude);
        var gz = await DumpDirectory.OpenAsync(DumpFixtures.Path(Restore + "prelude_test/prelude_gzip"), TestContext.Current.CancellationToken);
        Assert.Equal(new DumpPrelude("7.0.16", string.Empty), gz.Prelude);
        var unknown = await DumpDirectory.OpenAsync(DumpFixtures.Path(Restore + "prelude_test/server_version_unknown"), TestContext.Current.CancellationToken);
        Assert.Equal("unknown", unknown.Prelude!.ServerVersion);

        var special = await DumpDirectory.OpenAsync(DumpFixtures.Path(Restore + "specialcharacter"), TestContext.Current.CancellationToken);
        Assert.Equal("cafés", special.Namespaces.Single().Collection);
    }

    [Fact]
    public async Task Legacy_system_indexes_supply_indexes_only_where_metadata_has_none()
    {
        var legacy = await DumpDirectory.OpenDatabaseAsync(DumpFixtures.Path("test/legacy42/jstests/tool/data/dumprestore6"), "test", TestContext.Current.CancellationToken);
        var foo = legacy.Namespaces.Single();
        Assert.True(foo.IndexesFromSystemIndexes);
        Assert.Equal(["_id_", "a_1"], foo.Metadata!.Indexes.Select(i => i["name"].AsString));

        var withMetadata = await DumpDirectory.OpenAsync(DumpFixtures.Path(QaRestore + "dump_with_oplog"), TestContext.Current.CancellationToken);
        var data = withMetadata.Namespaces.Single();
        Assert.False(data.IndexesFromSystemIndexes);
        Assert.Equal(1, data.Metadata!.Options["flags"].AsInt32);
        Assert.Contains(withMetadata.Skipped, s => s.Contains("system.indexes.bson", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_metadata_fails_the_walk_naming_the_file_and_position()
    {
        var root = DumpFixtures.Path(Removed + "dump_with_malformed");
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => DumpDirectory.OpenAsync(root, TestContext.Current.CancellationToken));
        Assert.EndsWith("malformed_metadata.metadata.json", error.SourceName, StringComparison.Ordinal);
        Assert.Contains("not valid JSON at line 1, byte 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_malformed_collection_file_fails_when_read_naming_the_file_and_offset()
    {
        var path = DumpFixtures.Path(Removed + "dump_with_malformed/dbOne/malformed_coll.bson");
        await using var reader = BsonStreamReader.OpenFile(path);
        var error = await Assert.ThrowsAsync<DumpFormatException>(async () => await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith(path + ": document at offset 0 declares 173561944 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_specs_without_keys_fail_the_walk_naming_the_file()
    {
        var root = DumpFixtures.Path(Removed + "dump_with_invalid");
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => DumpDirectory.OpenAsync(root, TestContext.Current.CancellationToken));
        Assert.EndsWith("invalid_metadata.metadata.json", error.SourceName, StringComparison.Ordinal);
        Assert.Contains("indexes[0] ('_id_') has no \"key\" document", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_long_named_collection_and_a_long_named_time_series_round_trip_through_collectionName(bool gzip)
    {
        var longName = "orders_" + new string('x', 300) + " é$";
        var longSeries = "metrics_" + new string('y', 300);
        using var folder = new TempFolder();
        var writer = new DumpDirectoryWriter(folder.Path, gzip);
        await writer.WriteMetadataAsync("shop", longName, new CollectionMetadata(), TestContext.Current.CancellationToken);
        await using (var data = writer.CreateDataFile("shop", longName))
        {
            await data.WriteAsync(ArchiveReaderTests.Doc(1), TestContext.Current.CancellationToken);
            await data.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var tsOptions = new BsonBuilder().StartDocument().StartDocument("timeseries").String("timeField", "t").End().End().ToDocument();
        await writer.WriteMetadataAsync("shop", longSeries, new CollectionMetadata { Options = tsOptions, Type = "timeseries" }, TestContext.Current.CancellationToken);
        await using (var data = writer.CreateDataFile("shop", "system.buckets." + longSeries))
        {
            await data.WriteAsync(ArchiveReaderTests.Doc(2), TestContext.Current.CancellationToken);
            await data.CompleteAsync(TestContext.Current.CancellationToken);
        }

        Assert.All(Directory.EnumerateFiles(folder.Combine("shop")), f => Assert.True(Path.GetFileName(f).Length <= 255));
        var dump = await DumpDirectory.OpenAsync(folder.Path, TestContext.Current.CancellationToken);
        Assert.Equal([$"shop.{longSeries}:TimeSeries", $"shop.{longName}:Collection"], dump.Namespaces.Select(n => $"{n.FullName}:{n.Kind}"));
        Assert.Equal(longName, dump.Namespaces.Single(n => n.Kind == DumpNamespaceKind.Collection).Metadata!.CollectionName);
    }

    [Fact]
    public async Task A_shortened_file_name_without_metadata_is_an_error()
    {
        using var folder = new TempFolder();
        var writer = new DumpDirectoryWriter(folder.Path);
        await using (var data = writer.CreateDataFile("db", new string('z', 400)))
        {
            await data.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var error = await Assert.ThrowsAsync<DumpFormatException>(() => DumpDirectory.OpenAsync(folder.Path, TestContext.Current.CancellationToken));
        Assert.Contains("no metadata file gives the collection's real name", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_corpus_document_goes_through_a_directory_dump_byte_for_byte(bool gzip)
    {
        var corpus = BsonCorpusFixtures.Valid();
        using var folder = new TempFolder();
        var writer = new DumpDirectoryWriter(folder.Path, gzip) { ValidateDocuments = true };
        await using (var data = writer.CreateDataFile("corpus", "docs"))
        {
            foreach (var (_, bytes, _) in corpus)
            {
                await data.WriteAsync(bytes, TestContext.Current.CancellationToken);
            }

            await data.CompleteAsync(TestContext.Current.CancellationToken);
        }

        var dump = await DumpDirectory.OpenAsync(folder.Path, TestContext.Current.CancellationToken);
        Assert.Equal(corpus.Select(c => c.Bytes), await ReadAllAsync(dump.Namespaces.Single()));
    }

    [Fact]
    public async Task An_abandoned_data_file_leaves_nothing_behind()
    {
        using var folder = new TempFolder();
        var writer = new DumpDirectoryWriter(folder.Path);
        await using (var data = writer.CreateDataFile("db", "c"))
        {
            await data.WriteAsync(ArchiveReaderTests.Doc(1), TestContext.Current.CancellationToken);
        }

        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories));
    }

    private static async Task CopyAsync(DumpDirectory source, DumpDirectoryWriter writer)
    {
        var ct = TestContext.Current.CancellationToken;
        if (source.Prelude is not null)
        {
            await writer.WritePreludeAsync(source.Prelude, cancellationToken: ct);
        }

        if (source.OplogPath is not null)
        {
            await using var oplog = writer.CreateOplogFile();
            await using var reader = source.OpenOplog();
            while (await reader.ReadAsync(ct))
            {
                await oplog.WriteAsync(reader.Current, ct);
            }

            await oplog.CompleteAsync(ct);
        }

        foreach (var entry in source.Namespaces)
        {
            if (entry.Metadata is not null)
            {
                await writer.WriteMetadataAsync(entry.Database, entry.Collection, entry.Metadata, ct);
            }

            if (entry.DataPath is null)
            {
                continue;
            }

            await using var data = writer.CreateDataFile(entry.Database, entry.DataCollection!);
            await using var reader = DumpDirectory.OpenData(entry);
            while (await reader.ReadAsync(ct))
            {
                await data.WriteAsync(reader.Current, ct);
            }

            await data.CompleteAsync(ct);
        }
    }

    private static async Task AssertSameAsync(DumpDirectory expected, DumpDirectory actual)
    {
        Assert.Equal(expected.Namespaces.Select(n => $"{n.FullName}:{n.Kind}:{n.DataCollection}"), actual.Namespaces.Select(n => $"{n.FullName}:{n.Kind}:{n.DataCollection}"));
        foreach (var (a, b) in expected.Namespaces.Zip(actual.Namespaces))
        {
            Assert.Equal(a.Metadata is null, b.Metadata is null);
            if (a.Metadata is not null)
            {
                CollectionMetadataTests.AssertEquivalent(a.Metadata, b.Metadata!);
            }

            Assert.Equal(await ReadAllAsync(a), await ReadAllAsync(b));
        }

        if (expected.OplogPath is not null)
        {
            Assert.Equal(await ReadAllAsync(expected.OpenOplog()), await ReadAllAsync(actual.OpenOplog()));
        }
    }

    private static async Task AssertCountsAsIndexedAsync(DumpDirectory dump)
    {
        foreach (var entry in dump.Namespaces.Where(n => n.DataPath is not null))
        {
            var relative = Path.GetRelativePath(DumpFixtures.Root, entry.DataPath!).Replace('\\', '/');
            Assert.Equal(DumpFixtures.ExpectedDocuments(relative), (await ReadAllAsync(entry)).Count);
        }

        if (dump.OplogPath is not null)
        {
            var relative = Path.GetRelativePath(DumpFixtures.Root, dump.OplogPath).Replace('\\', '/');
            Assert.Equal(DumpFixtures.ExpectedDocuments(relative), (await ReadAllAsync(dump.OpenOplog())).Count);
        }
    }

    private static Task<List<byte[]>> ReadAllAsync(DumpNamespaceEntry entry) =>
        entry.DataPath is null ? Task.FromResult(new List<byte[]>()) : ReadAllAsync(DumpDirectory.OpenData(entry, new BsonStreamReaderOptions { ValidateDocuments = true }));

    private static async Task<List<byte[]>> ReadAllAsync(BsonStreamReader reader)
    {
        await using (reader)
        {
            var documents = new List<byte[]>();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                documents.Add(reader.CopyCurrent());
            }

            return documents;
        }
    }
}
