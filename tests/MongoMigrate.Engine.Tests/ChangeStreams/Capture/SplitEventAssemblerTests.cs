using MongoDB.Bson;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;

namespace MongoMigrate.Engine.Tests.ChangeStreams.Capture;

/// <summary>The fragments of an event over 16 MiB ($changeStreamSplitLargeEvent) put together again before the spool sees them.</summary>
public class SplitEventAssemblerTests
{
    [Fact]
    public void Fragments_spread_over_two_batches_become_one_event_with_the_last_fragments_token_and_the_position_waits_for_the_last()
    {
        var assembler = new SplitEventAssembler();
        var before = Event(new BsonDocument { { "_id", Token(1, 0) }, { "operationType", "delete" }, { "documentKey", new BsonDocument("_id", 7) } });
        var first = Event(new BsonDocument { { "_id", Token(2, 0) }, { "splitEvent", new BsonDocument { { "fragment", 1 }, { "of", 2 } } }, { "operationType", "insert" }, { "documentKey", new BsonDocument("_id", 8) } });
        var second = Event(new BsonDocument { { "_id", Token(2, 1) }, { "splitEvent", new BsonDocument { { "fragment", 2 }, { "of", 2 } } }, { "fullDocument", new BsonDocument { { "_id", 8 }, { "big", "x" } } } });

        var one = assembler.Assemble(new ChangeStreamBatch([before, first], Raw(Token(2, 0)), 5));
        var two = assembler.Assemble(new ChangeStreamBatch([second], Raw(Token(2, 1)), 6));

        Assert.Equal([before], one.Events);
        Assert.Null(one.PostBatchResumeToken);
        Assert.Equal(Raw(Token(1, 0)), one.ResumeToken);
        var whole = Assert.Single(two.Events);
        var expected = new BsonDocument { { "_id", Token(2, 1) }, { "operationType", "insert" }, { "documentKey", new BsonDocument("_id", 8) }, { "fullDocument", new BsonDocument { { "_id", 8 }, { "big", "x" } } } };
        Assert.Equal(expected, BsonSerializer(whole));
        Assert.Equal(Raw(Token(2, 1)), two.ResumeToken);
    }

    [Fact]
    public void A_batch_without_fragments_passes_as_it_is()
    {
        var batch = new ChangeStreamBatch([Event(new BsonDocument { { "_id", Token(1, 0) }, { "operationType", "drop" } })], Raw(Token(1, 0)), 1);

        Assert.Same(batch, new SplitEventAssembler().Assemble(batch));
    }

    private static BsonDocument Token(int time, int fragment) => new() { { "_data", $"{time:D8}{fragment:D2}" } };

    private static RawDocument Raw(BsonDocument document) => new(document.ToBson());

    private static RawDocument Event(BsonDocument document) => Raw(document);

    private static BsonDocument BsonSerializer(RawDocument document) => MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonDocument>(document.Span.ToArray());
}
