namespace MongoMigrate.Bson.Tests;

public class RawDocumentTests
{
    [Theory]
    [MemberData(nameof(BsonCorpus.FileNames), MemberType = typeof(BsonCorpus))]
    public void Copying_every_element_through_the_builder_reproduces_the_exact_bytes(string file)
    {
        foreach (var c in BsonCorpus.Valid(file))
        {
            var document = new RawDocument(c.Bytes);
            var builder = new BsonBuilder().StartDocument();
            foreach (var element in document)
            {
                builder.Element(element);
            }

            Assert.True(c.Bytes.AsSpan().SequenceEqual(builder.End().ToArray()), c.ToString());
        }
    }

    [Fact]
    public void Values_that_the_driver_would_change_survive_untouched()
    {
        // -0.0, a date after 9999-12-31, binary subtype 2 and a DBPointer: each one is lost through BsonDocument.
        var negativeZero = Convert.FromHexString("10000000016400000000000000008000");
        var farDate = new BsonBuilder().StartDocument().DateTime("d", 253402300800000 + 86_400_000).End().ToArray();
        var oldBinary = new BsonBuilder().StartDocument().Binary("b", 2, [3, 0, 0, 0, 1, 2, 3]).End().ToArray();
        foreach (var bytes in new[] { negativeZero, farDate, oldBinary })
        {
            var copy = new BsonBuilder().StartDocument();
            foreach (var element in new RawDocument(bytes))
            {
                copy.Element(element);
            }

            Assert.Equal(bytes, copy.End().ToArray());
        }

        Assert.True(double.IsNegative(new RawDocument(negativeZero)["d"].AsDouble));
    }

    [Fact]
    public void Lookup_by_name_finds_top_level_fields_only()
    {
        var doc = new BsonBuilder().StartDocument()
            .Int32("_id", 1)
            .StartDocument("inner").String("name", "deep").End()
            .String("name", "top")
            .End().ToDocument();

        Assert.Equal("top", doc["name"].AsString);
        Assert.True(doc.TryGetFirst(out var first));
        Assert.Equal("_id", first.Name);
        Assert.Equal("deep", doc["inner"].AsDocument["name"].AsString);
        Assert.False(doc.TryGetValue("missing", out _));
    }

    [Fact]
    public void Broken_framing_throws_a_format_error_with_the_offset()
    {
        var bytes = new BsonBuilder().StartDocument().String("s", "abc").End().ToArray();
        bytes[7] = 200; // string length far past the end
        var error = Assert.Throws<BsonFormatException>(() => new RawDocument(bytes).Count());
        Assert.Equal(7, error.Offset);
    }
}
