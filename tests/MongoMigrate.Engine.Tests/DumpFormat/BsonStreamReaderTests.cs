using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;

namespace MongoMigrate.Engine.Tests.DumpFormat;

public class BsonStreamReaderTests
{
    private static readonly BsonStreamReaderOptions Validating = new() { ValidateDocuments = true };

    public static TheoryData<string> ValidFiles => [.. DumpFixtures.ValidBsonFiles.Select(r => r.Path)];

    public static TheoryData<string> NegativeFiles => [.. DumpFixtures.NegativeBsonFiles.Select(r => r.Path)];

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public async Task Every_bson_file_in_the_index_reads_with_its_document_count(string relative)
    {
        var path = DumpFixtures.Path(relative);
        var expected = DumpFixtures.ExpectedDocuments(relative);
        await using var reader = BsonStreamReader.OpenFile(path, Validating);
        var count = 0;
        var position = 0L;
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            Assert.Equal(position, reader.CurrentOffset);
            position += reader.Current.Length;
            count++;
        }

        Assert.Equal(expected, count);
        Assert.Equal(position, reader.Position);
    }

    [Theory]
    [MemberData(nameof(NegativeFiles))]
    public async Task Every_negative_file_fails_after_its_good_documents_naming_the_file_and_offset(string relative)
    {
        var row = DumpFixtures.Row(relative);
        var path = DumpFixtures.Path(relative);
        await using var reader = BsonStreamReader.OpenFile(path, Validating);
        var count = 0;
        var error = await Assert.ThrowsAsync<DumpFormatException>(async () =>
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                count++;
            }
        });

        Assert.Equal(row.DocumentCount, count);
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Offset);
        Assert.Contains($"offset {error.Offset}", error.Message, StringComparison.Ordinal);
        // INDEX.md's offsets are bsondump's; for framing errors they are the document's offset, as here. For a bad
        // type bsondump counts past the element name, while the offset here is the type byte itself (see below).
        if (row.ErrorOffset is { } offset && !relative.EndsWith("bad_type.bson", StringComparison.Ordinal))
        {
            Assert.Equal(offset, error.Offset);
        }
    }

    [Fact]
    public async Task A_truncated_file_says_how_many_bytes_were_declared_and_how_many_remain()
    {
        var path = DumpFixtures.Path("bsondump/testdata/partial_file.bson");
        await using var reader = BsonStreamReader.OpenFile(path, sourceName: "dump/test/foo.bson");
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ReadAllAsync(reader));
        Assert.Equal("dump/test/foo.bson: document at offset 164 declares 48 bytes but only 13 remain", error.Message);
    }

    [Fact]
    public async Task Random_bytes_are_refused_before_their_huge_declared_length_is_allocated()
    {
        var path = DumpFixtures.Path("bsondump/testdata/random_bytes.bson");
        // Process-wide (an await may resume on another thread): other tests allocate meanwhile, but nowhere near
        // the 1.5 GiB the file declares.
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await using var reader = BsonStreamReader.OpenFile(path);
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ReadAllAsync(reader));
        Assert.Contains("declares 1625369376 bytes, more than the limit", error.Message, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 512 * 1024 * 1024);
    }

    [Fact]
    public async Task An_unknown_type_is_reported_at_the_offset_of_its_type_byte()
    {
        var path = DumpFixtures.Path("bsondump/testdata/bad_type.bson");
        await using var reader = BsonStreamReader.OpenFile(path, Validating);
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ReadAllAsync(reader));
        // Byte 21 (0x15) is the 0xAA that replaced sample.bson's type byte 0x01 of field "a".
        Assert.Contains("unknown BSON type 0xAA at offset 21", error.Message, StringComparison.Ordinal);
        Assert.Equal(21, error.Offset);
    }

    [Theory]
    [InlineData("bsondump/testdata/deep_nested.bson", 1)]
    [InlineData("bsondump/testdata/broken_array.bson", 20)]
    public async Task Deep_nesting_and_out_of_order_array_keys_are_accepted(string relative, int documents)
    {
        await using var reader = BsonStreamReader.OpenFile(DumpFixtures.Path(relative), Validating);
        Assert.Equal(documents, await ReadAllAsync(reader));
    }

    [Fact]
    public async Task Without_validation_only_the_frame_is_checked()
    {
        await using var reader = BsonStreamReader.OpenFile(DumpFixtures.Path("bsondump/testdata/bad_type.bson"));
        Assert.Equal(4, await ReadAllAsync(reader));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Documents_are_the_same_whatever_size_the_reads_come_in(int chunk)
    {
        var bytes = await File.ReadAllBytesAsync(DumpFixtures.Path("mongorestore/testdata/timeseries_tests/ts_dump_with_oplog/oplog.bson"), TestContext.Current.CancellationToken);
        await using var reader = new BsonStreamReader(new TrickleStream(bytes, chunk), "oplog.bson", new BsonStreamReaderOptions { BufferSize = 64 });
        var copy = new MemoryStream();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            copy.Write(reader.Current.Span);
        }

        Assert.Equal(872, reader.DocumentCount);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task Every_truncation_of_a_file_ends_in_a_clean_error_or_a_clean_end()
    {
        var bytes = await File.ReadAllBytesAsync(DumpFixtures.Path("bsondump/testdata/all_types.bson"), TestContext.Current.CancellationToken);
        for (var length = 0; length <= bytes.Length; length++)
        {
            await using var reader = new BsonStreamReader(new MemoryStream(bytes, 0, length), "t.bson", Validating);
            try
            {
                await ReadAllAsync(reader);
                Assert.Equal(length, reader.Position);
            }
            catch (DumpFormatException e)
            {
                Assert.StartsWith("t.bson: ", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Corrupted_bytes_end_in_a_clean_error_never_a_crash()
    {
        var original = await File.ReadAllBytesAsync(DumpFixtures.Path("bsondump/testdata/all_in_one_doc.bson"), TestContext.Current.CancellationToken);
        var random = new Random(1234);
        int read = 0, refused = 0;
        for (var i = 0; i < 2000; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            await using var reader = new BsonStreamReader(new MemoryStream(bytes), "x.bson", Validating);
            try
            {
                long walked = 0;
                while (await reader.ReadAsync(TestContext.Current.CancellationToken))
                {
                    // A document that passes deep validation must also walk cleanly.
                    foreach (var element in reader.CurrentDocument)
                    {
                        Assert.NotNull(element.Name);
                    }

                    walked += reader.Current.Length;
                }

                // A clean read accounts for every byte of the file.
                Assert.Equal(bytes.Length, walked);
                read++;
            }
            catch (DumpFormatException e)
            {
                // Refused with the file's name and a reason; unchanged bytes are never refused.
                Assert.Equal("x.bson", e.SourceName);
                Assert.False(string.IsNullOrWhiteSpace(e.Reason));
                Assert.False(bytes.AsSpan().SequenceEqual(original), $"unchanged bytes refused: {e.Message}");
                refused++;
            }
        }

        Assert.Equal(2000, read + refused);
        Assert.InRange(refused, 1, 2000);
        Assert.InRange(read, 1, 2000);
    }

    [Fact]
    public async Task A_gzipped_file_read_as_plain_bson_gets_a_hint()
    {
        var gz = DumpFixtures.Gzip(await File.ReadAllBytesAsync(DumpFixtures.Path("bsondump/testdata/sample.bson"), TestContext.Current.CancellationToken));
        await using var reader = new BsonStreamReader(new MemoryStream(gz), "foo.bson");
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ReadAllAsync(reader));
        Assert.Contains("the data starts like gzip: 1F 8B", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_document_size_limit_is_configurable_and_enforced_before_reading()
    {
        var big = new BsonBuilder().StartDocument().String("s", new string('x', 2000)).End().ToArray();
        await using var reader = new BsonStreamReader(new MemoryStream(big), "big.bson", new BsonStreamReaderOptions { MaxDocumentSize = 1000 });
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ReadAllAsync(reader));
        Assert.Contains("more than the limit of 1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_without_its_terminating_zero_is_refused()
    {
        var bytes = new BsonBuilder().StartDocument().Int32("a", 1).End().ToArray();
        bytes[^1] = 1;
        await using var reader = new BsonStreamReader(new MemoryStream(bytes), "z.bson");
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ReadAllAsync(reader));
        Assert.Contains("does not end with a 0x00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_stops_a_read_that_waits_for_data()
    {
        using var cts = new CancellationTokenSource();
        var pipe = new System.IO.Pipelines.Pipe();
        await using var reader = new BsonStreamReader(pipe.Reader.AsStream(), "pipe");
        var read = reader.ReadAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
    }

    private static async Task<int> ReadAllAsync(BsonStreamReader reader)
    {
        var count = 0;
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            count++;
        }

        return count;
    }
}
