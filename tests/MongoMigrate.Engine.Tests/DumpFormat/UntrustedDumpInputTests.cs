using System.Text;
using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Tests.DumpFormat.Archive;

namespace MongoMigrate.Engine.Tests.DumpFormat;

/// <summary>
/// Dumps come from outside: metadata nested without end, metadata of any size, folders where files belong and damaged
/// gzip all end in one line that names the file, never in a stack overflow, a memory spike or an empty collection.
/// </summary>
public sealed class UntrustedDumpInputTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mm-untrusted-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Metadata_nested_twenty_thousand_objects_deep_is_refused_in_one_line()
    {
        var json = "{\"options\":" + string.Concat(Enumerable.Repeat("{\"a\":", 20_000)) + "1" + new string('}', 20_000) + ",\"indexes\":[]}";

        var error = Assert.Throws<DumpFormatException>(() => CollectionMetadata.Parse(json, "db/c.metadata.json"));

        Assert.StartsWith("db/c.metadata.json: metadata nests objects and arrays more than 256 levels deep", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_60_KB_nested_array_in_metadata_is_refused_in_one_line()
    {
        var json = "{\"indexes\":" + new string('[', 60_000) + new string(']', 60_000) + "}";

        var error = Assert.Throws<DumpFormatException>(() => CollectionMetadata.Parse(json, "archive"));

        Assert.Contains("more than 256 levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_nested_as_deep_as_mongodb_stores_them_are_read()
    {
        // 180 levels: MongoDB's default limit for stored documents (maxBSONDepth 200 less 20), with an Extended JSON leaf.
        const int depth = 180;
        var json = "{\"options\":{\"validator\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth - 2)) + "{\"$date\":{\"$numberLong\":\"1\"}}" + new string('}', depth - 2) + "},\"indexes\":[]}";

        var metadata = CollectionMetadata.Parse(json, "deep");

        Assert.Null(BsonDocumentValidator.Validate(metadata.Options.Span));
        var value = metadata.Options["validator"];
        for (var level = 0; level < depth - 2; level++)
        {
            value = value.AsDocument["a"];
        }

        Assert.Equal(BsonTypeCode.DateTime, value.Type);
    }

    [Fact]
    public void A_50_MB_string_in_metadata_is_refused_without_holding_it_many_times_over()
    {
        var json = Encoding.UTF8.GetBytes("{\"indexes\":[],\"collectionName\":\"" + new string('x', 50 * 1024 * 1024) + "\"}");
        var before = GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<DumpFormatException>(() => CollectionMetadata.Parse(json, "big"));

        Assert.Contains("16 MiB", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024, "the refusal allocates next to nothing");
    }

    [Fact]
    public async Task A_metadata_file_larger_than_mongodump_writes_fails_the_walk_naming_the_file()
    {
        var path = Database("c.metadata.json");
        await File.WriteAllTextAsync(path, "{\"indexes\":[],\"collectionName\":\"" + new string('x', 17 * 1024 * 1024) + "\"}", Ct);

        var error = await Assert.ThrowsAsync<DumpFormatException>(() => DumpDirectory.OpenAsync(_folder, Ct));

        Assert.Equal(path, error.SourceName);
        Assert.Contains("16 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzipped_metadata_file_that_inflates_past_the_limit_is_refused_before_it_is_held()
    {
        var path = Database("c.metadata.json.gz");
        await File.WriteAllBytesAsync(path, DumpFixtures.Gzip(Encoding.ASCII.GetBytes(new string(' ', 100 * 1024 * 1024))), Ct);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var error = await Assert.ThrowsAsync<DumpFormatException>(() => DumpDirectory.OpenAsync(_folder, Ct));

        Assert.Equal(path, error.SourceName);
        Assert.Contains("16 MiB", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 128 * 1024 * 1024, "a bounded part of it is held, not the 100 MB");
    }

    [Fact]
    public async Task A_folder_named_like_a_data_file_is_an_error_not_an_empty_collection()
    {
        await File.WriteAllTextAsync(Database("items.metadata.json"), "{\"indexes\":[]}", Ct);
        var folder = Database("items.bson");
        Directory.CreateDirectory(folder);

        var error = await Assert.ThrowsAsync<DumpFormatException>(() => DumpDirectory.OpenAsync(_folder, Ct));

        Assert.Equal(folder, error.SourceName);
        Assert.Contains("is a folder", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, 7, "not valid gzip at offset 2 of the compressed file: its compression method is 7, not deflate (8)")]
    [InlineData(0, 0x1E, "not valid gzip at offset 0 of the compressed file: it starts with 1E8B")]
    [InlineData(20, -1, "not valid gzip at offset 0 of the compressed file: the compressed data is damaged")]
    public async Task Damaged_gzip_data_files_say_not_valid_gzip_and_where(int at, int value, string expected)
    {
        var path = Database("c.bson.gz");
        await File.WriteAllBytesAsync(path, Damage(DumpFixtures.Gzip(Documents(200)), at, value), Ct);

        await using var reader = BsonStreamReader.OpenFile(path);
        var error = await Assert.ThrowsAsync<DumpFormatException>(async () =>
        {
            while (await reader.ReadAsync(Ct))
            {
            }
        });

        Assert.Equal(path + ": " + expected, error.Message[..(path.Length + 2 + expected.Length)]);
        Assert.DoesNotContain("unsupported compression method", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_gzip_metadata_file_says_not_valid_gzip_and_where()
    {
        var path = Database("c.metadata.json.gz");
        await File.WriteAllBytesAsync(path, Damage(DumpFixtures.Gzip("{\"indexes\":[]}"u8.ToArray()), 2, 9), Ct);

        var error = await Assert.ThrowsAsync<DumpFormatException>(() => DumpDirectory.OpenAsync(_folder, Ct));

        Assert.Contains("not valid gzip at offset 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_gzip_archive_says_not_valid_gzip_and_where()
    {
        var archive = await File.ReadAllBytesAsync(DumpFixtures.Path("mongorestore/testdata/test.bar.archive"), Ct);
        var damaged = Damage(DumpFixtures.Gzip(archive), 2, 7);

        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(damaged), "a.archive.gz"));

        Assert.StartsWith("a.archive.gz: not valid gzip at offset 2 of the compressed file", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, error.Offset);
    }

    [Fact]
    public async Task An_archive_whose_metadata_nests_a_60_KB_array_is_refused_not_overflowed()
    {
        var builder = new BsonBuilder();
        builder.RawBytes(ArchiveFormat.MagicBytes);
        builder.StartDocument().Int32("concurrent_collections", 1).String("version", "0.1").String("server_version", "7.0").String("tool_version", "t").End();
        builder.StartDocument().String("db", "test").String("collection", "bar").String("metadata", "{\"indexes\":" + new string('[', 60_000) + new string(']', 60_000) + "}").Int32("size", 0).End();
        builder.RawBytes(ArchiveFormat.TerminatorBytes);

        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ArchiveContents.ReadAsync(new MemoryStream(builder.ToArray()), "deep.archive"));

        Assert.StartsWith("deep.archive: metadata of namespace test.bar", error.Message, StringComparison.Ordinal);
        Assert.Contains("more than 256 levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bson_document_nested_twenty_thousand_deep_is_refused_in_one_line()
    {
        var path = Database("c.bson");
        await File.WriteAllBytesAsync(path, Nested(20_000), Ct);

        await using var reader = BsonStreamReader.OpenFile(path, new BsonStreamReaderOptions { ValidateDocuments = true });
        var error = await Assert.ThrowsAsync<DumpFormatException>(async () => await reader.ReadAsync(Ct));

        Assert.Contains("nested deeper than 1024 levels", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_bson_depth_limit_admits_the_deepest_document_a_server_can_be_set_to_store()
    {
        // maxBSONDepth goes up to 1000 (BSONDepth::kBSONDepthParameterCeiling); oplog entries wrap a document once more.
        Assert.Null(BsonDocumentValidator.Validate(Nested(1_001)));
        Assert.NotNull(BsonDocumentValidator.Validate(Nested(BsonDocumentValidator.DefaultMaxDepth + 1)));
    }

    private static byte[] Nested(int depth)
    {
        var builder = new BsonBuilder();
        builder.StartDocument().Int32("_id", 1);
        for (var level = 1; level < depth; level++)
        {
            builder.StartDocument("a");
        }

        for (var level = 0; level < depth; level++)
        {
            builder.End();
        }

        return builder.ToArray();
    }

    private static byte[] Documents(int count)
    {
        var builder = new BsonBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.StartDocument().Int32("_id", i).String("s", "value " + i).End();
        }

        return builder.ToArray();
    }

    /// <summary>Sets one byte (value >= 0), or inverts ten bytes from <paramref name="at"/> (value -1).</summary>
    private static byte[] Damage(byte[] bytes, int at, int value)
    {
        if (value >= 0)
        {
            bytes[at] = (byte)value;
            return bytes;
        }

        for (var i = at; i < at + 10; i++)
        {
            bytes[i] ^= 0xFF;
        }

        return bytes;
    }

    private string Database(string name)
    {
        var folder = Path.Combine(_folder, "db");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
