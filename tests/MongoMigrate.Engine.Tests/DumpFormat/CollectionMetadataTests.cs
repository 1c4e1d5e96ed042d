using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;

namespace MongoMigrate.Engine.Tests.DumpFormat;

public partial class CollectionMetadataTests
{
    public static TheoryData<string> MetadataFiles =>
        [.. DumpFixtures.All.Where(r => r.Kind.EndsWith("metadata.json", StringComparison.Ordinal) && !r.Path.Contains("dump_with_invalid", StringComparison.Ordinal)).Select(r => r.Path)];

    [Theory]
    [MemberData(nameof(MetadataFiles))]
    public async Task Every_generation_of_metadata_json_parses_with_the_indexes_the_index_lists(string relative)
    {
        var row = DumpFixtures.Row(relative);
        var metadata = await ReadAsync(relative);
        var listed = IndexList().Match(row.Contents);
        Assert.True(listed.Success, row.Contents);
        var names = listed.Groups[2].Value.Length == 0 ? [] : listed.Groups[2].Value.Split(", ");
        Assert.Equal(int.Parse(listed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), metadata.Indexes.Count);
        Assert.Equal(names, metadata.Indexes.Select(i => i["name"].AsString));
        foreach (var index in metadata.Indexes)
        {
            Assert.Null(BsonDocumentValidator.Validate(index.Span));
            Assert.Equal(BsonTypeCode.Document, index["key"].Type);
        }
    }

    [Theory]
    [MemberData(nameof(MetadataFiles))]
    public async Task Written_metadata_reads_back_with_the_same_bytes_for_options_and_indexes(string relative)
    {
        var metadata = await ReadAsync(relative);
        var again = CollectionMetadata.Parse(metadata.ToJson(), "rewritten");
        AssertEquivalent(metadata, again);
    }

    [Theory]
    [InlineData("mongorestore/testdata/timeseries_tests/ts_dump/timeseries_test/foo_ts.metadata.json")]
    [InlineData("mongorestore/testdata/timeseries_tests/ts_dump/admin/system.version.metadata.json")]
    [InlineData("mongorestore/testdata/timeseries_tests/ts_dump/admin/system.views.metadata.json")]
    [InlineData("mongorestore/testdata/collMod_ttl_index/mongodump_test_db/coll1.metadata.json")]
    [InlineData("mongorestore/testdata/coll_with_index/test/foo.metadata.json")]
    [InlineData("mongorestore/testdata/indexmetadata/indextest/test_coll_no_index_ns.metadata.json")]
    public async Task Modern_metadata_is_written_byte_for_byte_as_mongodump_wrote_it(string relative)
    {
        var text = (await File.ReadAllTextAsync(DumpFixtures.Path(relative), TestContext.Current.CancellationToken)).TrimEnd();
        Assert.Equal(text, CollectionMetadata.Parse(text, relative).ToJson());
    }

    [Fact]
    public async Task Index_key_values_keep_their_numeric_types()
    {
        var duplicates = await ReadAsync("mongorestore/testdata/duplicate_index_key/indextest/duplicate_index_key.metadata.json");
        Assert.Equal(
            [BsonTypeCode.Int32, BsonTypeCode.String, BsonTypeCode.Double, BsonTypeCode.Int32, BsonTypeCode.Int32],
            duplicates.Indexes.Select(i => i["key"].AsDocument.Values()[0].Type));
        Assert.Equal(1.0, duplicates.Indexes[2]["key"].AsDocument["foo"].AsDouble);

        var mixed = await ReadAsync("mongorestore/testdata/indexmetadata/indextest/test_coll_no_index_ns.metadata.json");
        Assert.Equal(
            [BsonTypeCode.Double, BsonTypeCode.Double, BsonTypeCode.Decimal128, BsonTypeCode.Decimal128],
            mixed.Indexes[1]["key"].AsDocument.Values().Select(v => v.Type));

        var extended = await ReadAsync("test/qa-tests/jstests/restore/testdata/dump_extended_json_options/test/changelog.metadata.json");
        Assert.Equal(BsonTypeCode.Int64, extended.Indexes[0]["key"].AsDocument["_id"].Type);
        Assert.Equal(10000000L, extended.Options["size"].AsInt64);
        Assert.True(extended.Options["capped"].AsBoolean);

        var v2 = await ReadAsync("mongorestore/testdata/hashedIndexes.metadata.json");
        Assert.Equal(BsonTypeCode.Int32, v2.Indexes[0]["v"].Type);
    }

    [Fact]
    public async Task Field_order_inside_index_specs_is_kept()
    {
        var metadata = await ReadAsync("test/qa-tests/jstests/restore/testdata/dump_ordered_partial_index/test/foo.metadata.json");
        var filter = metadata.Indexes[1]["partialFilterExpression"].AsDocument;
        var names = new List<string>();
        foreach (var element in filter)
        {
            names.Add(element.Name);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"a{i}"), names);
    }

    [Fact]
    public void Legacy_binary_and_relaxed_forms_are_understood()
    {
        var metadata = CollectionMetadata.Parse(
            """{"options":{"b":{"$binary":"AAECAwQFBgcICQoLDA0ODw==","$type":"04"},"d":{"$date":"2020-01-02T03:04:05Z"},"n":{"$numberLong":"5"}},"indexes":[{"v":1,"key":{"a":-1},"name":"a_-1","ns":"db.c"}]}""",
            "legacy");
        Assert.Equal(BsonTypeCode.Binary, metadata.Options["b"].Type);
        Assert.Equal(4, metadata.Options["b"].BinarySubType);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)i), metadata.Options["b"].BinaryData.ToArray());
        Assert.Equal(1577934245000L, metadata.Options["d"].AsDateTimeMilliseconds);
        Assert.Equal(5L, metadata.Options["n"].AsInt64);
        Assert.Equal("db.c", metadata.Indexes[0]["ns"].AsString);
    }

    [Fact]
    public void Kinds_come_from_type_or_from_older_options()
    {
        Assert.True(CollectionMetadata.Parse("""{"options":{"viewOn":"c","pipeline":[]},"indexes":[]}""", "v").IsView);
        Assert.True(CollectionMetadata.Parse("""{"indexes":[],"type":"view"}""", "v").IsView);
        Assert.True(CollectionMetadata.Parse("""{"options":{"timeseries":{"timeField":"t"}},"indexes":[]}""", "t").IsTimeSeries);
        Assert.False(CollectionMetadata.Parse("""{"indexes":[],"type":"collection"}""", "c").IsView);
    }

    [Fact]
    public void The_writer_omits_empty_options_and_type_but_always_writes_indexes()
    {
        var metadata = new CollectionMetadata { Uuid = "0679db720f4944de90ae27472664e94a", CollectionName = "foo" };
        Assert.Equal("""{"indexes":[],"uuid":"0679db720f4944de90ae27472664e94a","collectionName":"foo"}""", metadata.ToJson());
        Assert.Equal("""{"indexes":[]}""", CollectionMetadata.Empty.ToJson());
    }

    [Fact]
    public void Whitespace_only_metadata_is_empty() => Assert.Same(CollectionMetadata.Empty, CollectionMetadata.Parse(" \n", "blank"));

    [Fact]
    public void Text_that_is_not_json_is_refused_with_its_position()
    {
        var error = Assert.Throws<DumpFormatException>(() => CollectionMetadata.Parse("XXX\n", "dbOne/malformed_metadata.metadata.json"));
        Assert.StartsWith("dbOne/malformed_metadata.metadata.json: metadata is not valid JSON at line 1, byte 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unescaped_quotes_in_a_key_are_refused_with_their_position()
    {
        var error = Assert.Throws<DumpFormatException>(() => CollectionMetadata.Parse("""{"indexes":[{"v":2,"key":{"{"a":"b"}":1},"name":"q"}]}""", "test.ixtest"));
        Assert.Contains("not valid JSON at line 1, byte 30", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"indexes":[{"v":1,"name":"_id_","ns":"dbOne.invalid_metadata"}]}""", "indexes[0] ('_id_') has no \"key\" document")]
    [InlineData("""{"indexes":[{"v":1,"key":{},"name":"e"}]}""", "indexes[0] ('e') has an empty \"key\" document")]
    [InlineData("""{"indexes":{}}""", "\"indexes\" is a Document, not an array")]
    [InlineData("""{"options":[],"indexes":[]}""", "\"options\" is a Array, not a document")]
    [InlineData("""{"indexes":[],"uuid":5}""", "\"uuid\" is a Int32, not a string")]
    [InlineData("""{"indexes":[3]}""", "indexes[0] is a Int32, not a document")]
    public void Metadata_that_parses_but_makes_no_sense_is_refused_saying_what_is_wrong(string json, string problem)
    {
        var error = Assert.Throws<DumpFormatException>(() => CollectionMetadata.Parse(json, "m.json"));
        Assert.Equal($"m.json: invalid metadata: {problem}", error.Message);
    }

    [Fact]
    public async Task The_removed_invalid_metadata_fixture_is_refused()
    {
        var relative = "_removed_at_21a342df/test/qa-tests/jstests/restore/testdata/dump_with_invalid/dbOne/invalid_metadata.metadata.json";
        var error = await Assert.ThrowsAsync<DumpFormatException>(() => ReadAsync(relative));
        Assert.Contains("indexes[0] ('_id_') has no \"key\" document", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"indexes":[],"options":{"a":99999999999999999999999}}""")]
    [InlineData("""{"indexes":[],"options":{"a":NumberLong("x")}}""")]
    [InlineData("""{"indexes":[],"options":{"a":{"$numberDecimal":"nope"}}}""")]
    [InlineData("""{"indexes":[],"options":{"a":{"$binary":{"base64":"!!","subType":"00"}}}}""")]
    [InlineData("""{"indexes":[],"options":{"a":{"$date":{"$numberLong":"1e400"}}}}""")]
    [InlineData("""{"indexes":[],"options":{"a":{"$oid":"123"}}}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"indexes":[]} trailing""")]
    [InlineData("\u0000")]
    [InlineData("""{"indexes":[{"key":{"a\u0000b":1},"name":"n"}]}""")]
    public void Odd_extended_json_is_a_format_error_not_a_crash(string json)
    {
        var error = Assert.Throws<DumpFormatException>(() => CollectionMetadata.Parse(json, "odd"));
        Assert.StartsWith("odd: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mutated_metadata_parses_or_fails_with_a_format_error()
    {
        var original = await File.ReadAllBytesAsync(DumpFixtures.Path("mongorestore/testdata/index_collation.json"), TestContext.Current.CancellationToken);
        var random = new Random(5);
        int parsed = 0, refused = 0;
        for (var i = 0; i < 1500; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                var alphabet = "{}[]\":,0123456789.eE-+\\$ax"u8;
                bytes[random.Next(bytes.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            try
            {
                // What parses writes a JSON that parses again to the same metadata.
                var json = CollectionMetadata.Parse(bytes, "mutated").ToJson();
                Assert.Equal(json, CollectionMetadata.Parse(json, "again").ToJson());
                parsed++;
            }
            catch (DumpFormatException e)
            {
                Assert.Equal("mutated", e.SourceName);
                Assert.False(string.IsNullOrWhiteSpace(e.Reason));
                refused++;
            }
        }

        Assert.Equal(1500, parsed + refused);
        Assert.InRange(refused, 1, 1500);
        Assert.InRange(parsed, 1, 1500);
    }

    [Fact]
    public void Every_corpus_value_is_written_as_its_canonical_extended_json()
    {
        var failures = new List<string>();
        foreach (var (name, bytes, canonical) in BsonCorpusFixtures.Valid())
        {
            if (canonical is null)
            {
                continue;
            }

            var metadata = new CollectionMetadata { Options = new RawDocument(bytes) };
            var written = JsonNode.Parse(metadata.ToJson())!["options"];
            var expected = JsonNode.Parse(canonical);
            if (!JsonEquivalent(expected, written))
            {
                failures.Add($"{name}: expected {canonical} got {written?.ToJsonString()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    internal static void AssertEquivalent(CollectionMetadata expected, CollectionMetadata actual)
    {
        Assert.Equal(expected.Options.Span.ToArray(), actual.Options.Span.ToArray());
        Assert.Equal(expected.Indexes.Select(i => Convert.ToHexString(i.Span)), actual.Indexes.Select(i => Convert.ToHexString(i.Span)));
        Assert.Equal(expected.Uuid, actual.Uuid);
        Assert.Equal(expected.Type, actual.Type);
    }

    private static async Task<CollectionMetadata> ReadAsync(string relative)
    {
        var path = DumpFixtures.Path(relative);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await gzip.CopyToAsync(plain, TestContext.Current.CancellationToken);
            bytes = plain.ToArray();
        }

        return CollectionMetadata.Parse(bytes, path);
    }

    // Doubles compare by value: Go and .NET spell some exponents differently ("1E+06" vs "1000000.0").
    private static bool JsonEquivalent(JsonNode? a, JsonNode? b)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            if (oa.Count != ob.Count)
            {
                return false;
            }

            var pairs = oa.Zip(ob);
            return pairs.All(p => p.First.Key == p.Second.Key && (p.First.Key == "$numberDouble"
                ? SameDouble(p.First.Value!.GetValue<string>(), p.Second.Value!.GetValue<string>())
                : JsonEquivalent(p.First.Value, p.Second.Value)));
        }

        if (a is JsonArray aa && b is JsonArray ab)
        {
            return aa.Count == ab.Count && aa.Zip(ab).All(p => JsonEquivalent(p.First, p.Second));
        }

        return JsonNode.DeepEquals(a, b);
    }

    private static bool SameDouble(string a, string b) =>
        a == b || (double.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out var x)
            && double.TryParse(b, System.Globalization.CultureInfo.InvariantCulture, out var y)
            && BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y));

    [GeneratedRegex(@"(\d+) indexes \(([^)]*)\)")]
    private static partial Regex IndexList();
}
