using MongoMigrate.Bson;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Tests.Migration;

public sealed class ChunkTests
{
    [Fact]
    public void A_planned_chunk_is_its_ranges_filter_and_nothing_done()
    {
        var range = new IdRange { Bracket = IdBracket.Number, Lower = Int(10), Upper = Int(20) };

        var chunk = Chunk.Planned(range, 3);

        Assert.Equal((3, ChunkStatus.Planned, range.ToString()), (chunk.Index, chunk.Status, chunk.Description));
        Assert.Equal(range.ToFilter().Span.ToArray(), chunk.Filter.Span.ToArray());
        Assert.Null(chunk.File);
    }

    [Fact]
    public void A_stored_chunk_maps_to_the_domain_and_back_without_losing_what_the_copy_uses()
    {
        var filter = new BsonBuilder().StartDocument().StartDocument("_id").Int32("$gte", 5).End().End().ToDocument().Bytes.ToArray();
        var record = new ChunkRecord
        {
            SourceNamespace = "shop.orders",
            Index = 7,
            Filter = filter,
            Description = "[5, max)",
            Status = ChunkStatus.Dumped,
            File = "chunks/shop/orders/000007.bson",
            Checksum = 0xABCDEF,
            Documents = 120,
            Bytes = 4096,
            ReplaceOnTarget = true,
        };

        var chunk = Chunk.FromRecord(record);
        var back = chunk.ToRecord("shop.orders");

        Assert.Equal(filter, chunk.Filter.Span.ToArray());
        Assert.Equal(record with { Filter = back.Filter }, back);
        Assert.Equal(filter, back.Filter);
    }

    private static RawBsonValue Int(int v) => new BsonBuilder().StartDocument().Int32("v", v).End().ToDocument()["v"];
}
