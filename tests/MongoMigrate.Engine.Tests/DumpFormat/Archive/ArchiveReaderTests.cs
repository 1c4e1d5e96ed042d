using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Engine.Tests.DumpFormat.Archive;

public class ArchiveReaderTests
{
    private const string TestBar = "mongorestore/testdata/test.bar.archive";
    private const string TimeSeries = "mongorestore/testdata/timeseries_tests/dump.archive";
    private const string BadFormat = "mongorestore/testdata/bad-format.archive";

    public static TheoryData<string> GoodArchives => [.. DumpFixtures.Archives.Where(a => a.Path != BadFormat).Select(a => a.Path)];

    [Theory]
    [MemberData(nameof(GoodArchives))]
    public async Task Every_archive_reads_with_the_namespaces_counts_segments_and_crcs_the_index_lists(string relative)
    {
        var contents = await ArchiveContents.ReadFileAsync(DumpFixtures.Path(relative), new ArchiveReaderOptions { ValidateDocuments = true });
        AssertAsIndexed(relative, contents);
        Assert.False(contents.IsGzip);
    }

    [Theory]
    [MemberData(nameof(GoodArchives))]
    public async Task The_same_archives_gzipped_read_the_same_in_one_or_many_members(string relative)
    {
        var bytes = await File.ReadAllBytesAsync(DumpFixtures.Path(relative), TestContext.Current.CancellationToken);
        foreach (var members in new[] { 1, 3 })
        {
            using var folder = new TempFolder();
            var path = folder.Combine("archive.gz");
            await File.WriteAllBytesAsync(path, DumpFixtures.Gzip(bytes, members), TestContext.Current.CancellationToken);
            var contents = await ArchiveContents.ReadFileAsync(path);
            Assert.True(contents.IsGzip);
            AssertAsIndexed(relative, contents);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    public async Task Reads_of_any_size_give_the_same_documents(int chunk)
    {
        var bytes = await File.ReadAllBytesAsync(DumpFixtures.Path(TimeSeries), TestContext.Current.CancellationToken);
        var contents = await ArchiveContents.ReadAsync(new TrickleStream(bytes, chunk), "trickle", new ArchiveReaderOptions { BufferSize = 64 });
        AssertAsIndexed(TimeSeries, contents);
    }

    [Fact]
    public async Task The_time_series_archive_matches_its_directory_form()
    {
        var contents = await ArchiveContents.ReadFileAsync(DumpFixtures.Path(TimeSeries));
        var folder = "mongorestore/testdata/timeseries_tests/ts_dump/";
        foreach (var (ns, file) in new[] { ("timeseries_test.foo_ts", "timeseries_test/foo_ts"), ("admin.system.version", "admin/system.version"), ("admin.system.views", "admin/system.views") })
        {
            var archived = contents.Namespaces.Single(n => n.FullName == ns);
            Assert.Equal(await File.ReadAllTextAsync(DumpFixtures.Path(folder + file + ".metadata.json"), TestContext.Current.CancellationToken), archived.MetadataJson);
        }

        var foo = contents.Namespaces.Single(n => n.Collection == "foo_ts");
        Assert.True(foo.IsTimeSeries);
        Assert.Equal("system.buckets.foo_ts", contents.Statistics["timeseries_test.foo_ts"].DataCollection);
        Assert.Equal(
            await File.ReadAllBytesAsync(DumpFixtures.Path(folder + "admin/system.version.bson"), TestContext.Current.CancellationToken),
            contents.DocumentsOf("admin.system.version").Single());
        Assert.Equal(10, contents.DocumentsOf("timeseries_test.foo_ts").Count);
    }

    [Fact]
    public async Task The_archive_with_broken_metadata_json_fails_naming_the_file_namespace_and_problem()
    {
        var path = DumpFixtures.Path(BadFormat);
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadFileAsync(path));
        Assert.StartsWith(path + ": metadata of namespace test.ixtest: metadata is not valid JSON at line 1, byte ", error.Message, StringComparison.Ordinal);
        Assert.Contains("collection metadata at offset 106", error.Message, StringComparison.Ordinal);
        Assert.Equal(106, error.Offset);
    }

    [Fact]
    public async Task A_wrong_crc_is_an_error_naming_the_namespace()
    {
        var bytes = await File.ReadAllBytesAsync(DumpFixtures.Path(TestBar), TestContext.Current.CancellationToken);
        var crcAt = LastIndexOf(bytes, "CRC\0"u8) + 4;
        bytes[crcAt] ^= 1;
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "bar.archive"));
        Assert.Contains("CRC mismatch for namespace test.bar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_segment_for_a_namespace_the_prelude_does_not_list_is_an_error()
    {
        var bytes = Build(b => b.Segment("test", "other", Doc(1)).Eof("test", "other", Crc64.Compute(Doc(1))), ("test", "bar"));
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "a"));
        Assert.Contains("namespace test.other, which the prelude does not list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_terminators_in_a_row_are_an_error()
    {
        var bytes = Build(b => b.Terminator().Segment("test", "bar").Eof("test", "bar", 0), ("test", "bar"));
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "a"));
        Assert.Contains("two terminators in a row", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(16 * 1024 * 1024 + 1)]
    public async Task Lengths_outside_5_to_16MiB_are_refused(int length)
    {
        var bytes = Build(b => b.Segment("test", "bar").Raw(BitConverter.GetBytes(length)), ("test", "bar"));
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "a"));
        Assert.Contains($"{length} at offset", error.Message, StringComparison.Ordinal);
        Assert.Contains("is neither a BSON length (5..16777216) nor the terminator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_namespace_without_its_eof_block_is_an_error()
    {
        var bytes = Build(b => b.Segment("test", "bar", Doc(1)), ("test", "bar"));
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "a"));
        Assert.Contains("before the EOF block of namespace test.bar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listed_namespace_that_never_appears_is_an_error()
    {
        var bytes = Build(b => b.Segment("test", "bar").Eof("test", "bar", 0), ("test", "bar"), ("test", "missing"));
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "a"));
        Assert.Contains("before namespace test.missing appeared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documents_after_a_namespace_eof_are_an_error()
    {
        var bytes = Build(b => b.Segment("test", "bar").Eof("test", "bar", 0).Segment("test", "bar", Doc(2)), ("test", "bar"));
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "a"));
        Assert.Contains("whose EOF block came earlier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_eof_header_followed_by_a_document_is_an_error()
    {
        var bytes = Build(b => b.Raw(ArchiveFormat.NamespaceHeader("test", "bar", true, 0)).Raw(Doc(1)).Terminator(), ("test", "bar"));
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "a"));
        Assert.Contains("is followed by a document", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[0], "the input is empty")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5 }, "not a mongodump archive: it starts with 01020304")]
    public async Task Input_that_is_not_an_archive_says_so(byte[] bytes, string message)
    {
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes), "x"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzipped_bson_file_is_not_taken_for_an_archive()
    {
        var gz = DumpFixtures.Gzip(await File.ReadAllBytesAsync(DumpFixtures.Path("bsondump/testdata/sample.bson"), TestContext.Current.CancellationToken));
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(gz), "x.gz"));
        Assert.Contains("the gzip stream does not hold a mongodump archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_gzip_data_is_a_format_error()
    {
        var gz = DumpFixtures.Gzip(await File.ReadAllBytesAsync(DumpFixtures.Path(TimeSeries), TestContext.Current.CancellationToken));
        for (var i = 100; i < 400; i++)
        {
            gz[i] ^= 0x5A;
        }

        await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(gz), "x.gz"));
    }

    [Fact]
    public async Task Every_truncation_ends_in_a_format_error()
    {
        var bytes = await File.ReadAllBytesAsync(DumpFixtures.Path(TestBar), TestContext.Current.CancellationToken);
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(bytes, 0, length), "cut"));
            Assert.StartsWith("cut: ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Random_corruption_ends_in_a_format_error_or_a_valid_read_never_a_crash_or_hang()
    {
        var original = await File.ReadAllBytesAsync(DumpFixtures.Path(TimeSeries), TestContext.Current.CancellationToken);
        var random = new Random(99);
        int read = 0, refused = 0;
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 5); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                var contents = await ArchiveContents.ReadAsync(new MemoryStream(bytes), "fuzz", new ArchiveReaderOptions { ValidateDocuments = true });

                // A clean read names every namespace it has statistics for, and counts no negative documents.
                Assert.All(contents.Namespaces, ns => Assert.True(contents.Statistics[ns.FullName].DocumentCount >= 0));
                read++;
            }
            catch (DumpFormatException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Reason));
                Assert.DoesNotContain('\n', e.Reason);
                Assert.False(bytes.AsSpan().SequenceEqual(original), $"unchanged bytes refused: {e.Message}");
                refused++;
            }
        }

        // Every outcome is one of the two; the checksums and validation catch the corruption in most of them.
        Assert.Equal(300, read + refused);
        Assert.InRange(refused, 150, 300);
    }

    internal static void AssertAsIndexed(string relative, ArchiveContents contents)
    {
        var expected = DumpFixtures.Row(relative).ArchiveNamespaces;
        var actual = contents.Namespaces.ToDictionary(
            ns => $"{ns.Database}.{contents.Statistics[ns.FullName].DataCollection ?? ns.Collection}",
            ns => contents.Statistics[ns.FullName]);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (ns, (documents, segments, crcOk)) in expected)
        {
            Assert.True(crcOk);
            Assert.Equal(documents, actual[ns].DocumentCount);
            Assert.Equal(segments, actual[ns].SegmentCount);
            Assert.True(actual[ns].IsComplete);
        }

        foreach (var ns in contents.Namespaces)
        {
            var documents = contents.DocumentsOf(ns.FullName);
            Assert.Equal(contents.Statistics[ns.FullName].Crc, documents.Aggregate(0UL, (crc, d) => Crc64.Update(crc, d)));
        }
    }

    internal static byte[] Doc(int i) => new BsonBuilder().StartDocument().Int32("_id", i).End().ToArray();

    private static int LastIndexOf(byte[] bytes, ReadOnlySpan<byte> pattern) => bytes.AsSpan().LastIndexOf(pattern);

    /// <summary>An archive with the given prelude namespaces and hand-made blocks.</summary>
    private static byte[] Build(Action<Blocks> blocks, params (string Db, string Collection)[] namespaces)
    {
        var builder = new BsonBuilder();
        builder.RawBytes(ArchiveFormat.MagicBytes);
        builder.StartDocument().Int32("concurrent_collections", 1).String("version", "0.1").String("server_version", "7.0").String("tool_version", "t").End();
        foreach (var (db, collection) in namespaces)
        {
            builder.StartDocument().String("db", db).String("collection", collection).String("metadata", """{"indexes":[]}""").Int32("size", 0).End();
        }

        builder.RawBytes(ArchiveFormat.TerminatorBytes);
        var output = new MemoryStream();
        output.Write(builder.ToArray());
        blocks(new Blocks(output));
        return output.ToArray();
    }

    private sealed class Blocks(MemoryStream output)
    {
        public Blocks Segment(string db, string collection, params byte[][] documents)
        {
            Raw(ArchiveFormat.NamespaceHeader(db, collection, false, 0));
            foreach (var document in documents)
            {
                Raw(document);
            }

            return Terminator();
        }

        public Blocks Eof(string db, string collection, ulong crc) => Raw(ArchiveFormat.NamespaceHeader(db, collection, true, unchecked((long)crc))).Terminator();

        public Blocks Terminator() => Raw(ArchiveFormat.TerminatorBytes);

        public Blocks Raw(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            return this;
        }
    }
}
