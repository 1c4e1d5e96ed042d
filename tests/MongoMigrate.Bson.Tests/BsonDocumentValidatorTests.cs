namespace MongoMigrate.Bson.Tests;

public class BsonDocumentValidatorTests
{
    [Theory]
    [MemberData(nameof(BsonCorpus.FileNames), MemberType = typeof(BsonCorpus))]
    public void Every_valid_corpus_document_is_accepted(string file)
    {
        foreach (var c in BsonCorpus.Valid(file).Concat(BsonCorpus.Degenerate(file)))
        {
            var error = BsonDocumentValidator.Validate(c.Bytes, checkUtf8: true);
            Assert.True(error is null, $"{c}: {error?.Message}");
        }
    }

    [Theory]
    [MemberData(nameof(BsonCorpus.FileNames), MemberType = typeof(BsonCorpus))]
    public void Every_corpus_decode_error_is_refused_with_an_offset_inside_the_input(string file)
    {
        foreach (var c in BsonCorpus.DecodeErrors(file))
        {
            var error = BsonDocumentValidator.Validate(c.Bytes, checkUtf8: true);
            Assert.True(error is not null, $"{c} was accepted");
            Assert.InRange(error.Offset, 0, Math.Max(0, c.Bytes.Length));
        }
    }

    [Fact]
    public void Invalid_utf8_passes_structural_validation_as_the_server_accepts_it()
    {
        // { a: "\xE9" } with a valid frame: mongod stores it, so the default check does too.
        var bytes = Convert.FromHexString("0E00000002610002000000E90000");
        Assert.Null(BsonDocumentValidator.Validate(bytes));
        Assert.NotNull(BsonDocumentValidator.Validate(bytes, checkUtf8: true));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_not_overflowed()
    {
        var builder = new BsonBuilder();
        builder.StartDocument();
        for (var i = 0; i < 50; i++)
        {
            builder.StartDocument("a");
        }

        for (var i = 0; i <= 50; i++)
        {
            builder.End();
        }

        var bytes = builder.ToArray();
        Assert.Null(BsonDocumentValidator.Validate(bytes, maxDepth: 51));
        var error = BsonDocumentValidator.Validate(bytes, maxDepth: 10);
        Assert.NotNull(error);
        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_document_names_the_offset_where_it_breaks()
    {
        var doc = new BsonBuilder().StartDocument().String("name", "value").Int32("n", 7).End().ToArray();
        var truncated = doc[..^3];
        var error = BsonDocumentValidator.Validate(truncated, baseOffset: 1000);
        Assert.NotNull(error);
        Assert.Equal(1000, error.Offset);
        Assert.Contains("declares", error.Message, StringComparison.Ordinal);
    }
}
