using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Tests.ServerCommands;

public class EmptyTimestampsTests
{
    [Fact]
    public void A_top_level_empty_timestamp_after_other_fields_would_be_filled()
    {
        var document = new BsonBuilder().StartDocument()
            .Int32("_id", 1).String("s", "text").StartDocument("d").Int32("x", 1).End().Int64("n", 0)
            .Timestamp("ts", 0)
            .End().ToDocument();

        Assert.True(EmptyTimestamps.WouldBeFilled(document));
    }

    [Fact]
    public void An_empty_timestamp_as_id_nested_or_a_set_timestamp_would_be_kept()
    {
        var asId = new BsonBuilder().StartDocument().Timestamp("_id", 0).Int32("n", 0).End().ToDocument();
        var nested = new BsonBuilder().StartDocument().Int32("_id", 1).StartDocument("d").Timestamp("ts", 0).End().End().ToDocument();
        var inArray = new BsonBuilder().StartDocument().Int32("_id", 1).StartArray("a").Timestamp("0", 0).End().End().ToDocument();
        var set = new BsonBuilder().StartDocument().Int32("_id", 1).Timestamp("ts", (5UL << 32) | 1).End().ToDocument();

        Assert.False(EmptyTimestamps.WouldBeFilled(asId));
        Assert.False(EmptyTimestamps.WouldBeFilled(nested));
        Assert.False(EmptyTimestamps.WouldBeFilled(inArray));
        Assert.False(EmptyTimestamps.WouldBeFilled(set));
        Assert.False(EmptyTimestamps.WouldBeFilled(RawDocument.Empty));
    }

    [Fact]
    public void A_document_whose_value_overruns_it_fails_as_the_element_reader_does()
    {
        var bytes = new BsonBuilder().StartDocument().Int32("_id", 1).String("s", "text").End().ToDocument().Bytes.ToArray();
        bytes[4 + 1 + 4 + 4 + 1 + 2] = 100; // the string's length, past the document's end

        var thrown = Assert.Throws<BsonFormatException>(() => EmptyTimestamps.WouldBeFilled(new RawDocument(bytes)));

        Assert.Contains("'s'", thrown.Message, StringComparison.Ordinal);
    }
}
