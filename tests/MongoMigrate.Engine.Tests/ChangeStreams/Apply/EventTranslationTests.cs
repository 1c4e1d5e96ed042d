using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Apply;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Tests.ChangeStreams.Apply;

public class EventTranslationTests
{
    private static readonly NamespaceName Target = new("t", "c");

    [Fact]
    public void An_update_description_becomes_set_unset_and_push_with_slice_on_the_raw_values()
    {
        var description = new BsonBuilder().StartDocument()
            .StartDocument("updatedFields").Double("a.b", -0.0).Int32("n", 5).End()
            .StartArray("removedFields").String("0", "gone").End()
            .StartArray("truncatedArrays").StartDocument("0").String("field", "list").Int32("newSize", 2).End().End()
            .End().ToDocument();

        var update = EventTranslation.BuildUpdate(description)!.Value;

        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(update["$set"].AsDocument["a.b"].AsDouble));
        Assert.Equal(5, update["$set"].AsDocument["n"].AsInt32);
        Assert.True(update["$unset"].AsDocument.Contains("gone"));
        Assert.Equal(2, update["$push"].AsDocument["list"].AsDocument["$slice"].AsInt64);
        Assert.True(update["$push"].AsDocument["list"].AsDocument["$each"].AsDocument.IsEmpty);
    }

    [Theory]
    [InlineData("a", "a.b")]
    [InlineData("a.$x", null)]
    [InlineData("a..b", null)]
    public void A_description_that_cannot_be_applied_exactly_asks_for_a_refresh(string first, string? second)
    {
        var builder = new BsonBuilder().StartDocument().StartDocument("updatedFields").Int32(first, 1);
        if (second is not null)
        {
            builder.Int32(second, 2);
        }

        Assert.Null(EventTranslation.BuildUpdate(builder.End().End().ToDocument()));
    }

    [Fact]
    public void Ambiguous_paths_ask_for_a_refresh()
    {
        var description = new BsonBuilder().StartDocument()
            .StartDocument("updatedFields").Int32("a.0", 1).End()
            .StartDocument("disambiguatedPaths").StartArray("a.0").String("0", "a").String("1", "0").End().End()
            .End().ToDocument();
        Assert.Null(EventTranslation.BuildUpdate(description));
    }

    [Fact]
    public void Events_become_writes_by_id_and_an_empty_update_writes_nothing()
    {
        var insert = Event("insert", b => b.StartDocument("fullDocument").Int32("_id", 7).String("x", "y").End());
        var delete = Event("delete", _ => { });
        var noop = Event("update", b => b.StartDocument("updateDescription").StartDocument("updatedFields").End().StartArray("removedFields").End().End());

        var replace = EventTranslation.Translate(insert, Target)!;
        Assert.Equal(ApplyOperationKind.Replace, replace.Kind);
        Assert.Equal(7, replace.Id.AsInt32);
        Assert.Equal("y", replace.Body["x"].AsString);
        Assert.Equal(ApplyOperationKind.Delete, EventTranslation.Translate(delete, Target)!.Kind);
        Assert.Null(EventTranslation.Translate(noop, Target));
    }

    private static ChangeEvent Event(string operation, Action<BsonBuilder> body)
    {
        var builder = new BsonBuilder().StartDocument()
            .StartDocument("_id").String("_data", "8200000001000000010000000000000001").End()
            .String("operationType", operation)
            .Timestamp("clusterTime", (1UL << 32) | 1)
            .StartDocument("ns").String("db", "s").String("coll", "c").End()
            .StartDocument("documentKey").Int32("_id", 7).End();
        body(builder);
        return new ChangeEvent(builder.End().ToDocument());
    }
}
