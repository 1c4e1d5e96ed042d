using MongoMigrate.Bson;
using MongoMigrate.Engine.Partitioning;

namespace MongoMigrate.Engine.Tests.Partitioning;

public class ChunkPlannerSplitTests
{
    private static RawBsonValue Int(int v) => new BsonBuilder().StartDocument().Int32("v", v).End().ToDocument()["v"];

    private static RawBsonValue Str(string v) => new BsonBuilder().StartDocument().String("v", v).End().ToDocument()["v"];

    [Fact]
    public void Each_bracket_gets_chunks_in_proportion_to_its_samples_and_ranges_touch_end_to_end()
    {
        var samples = Enumerable.Range(0, 300).Select(Int).Concat(Enumerable.Range(0, 100).Select(i => Str($"k{i:000}"))).ToList();

        var ranges = ChunkPlanner.Split([IdBracket.Number, IdBracket.String], samples, wantedChunks: 8);

        var numbers = ranges.Where(r => r.Bracket == IdBracket.Number && !r.IsNaN).ToList();
        var strings = ranges.Where(r => r.Bracket == IdBracket.String).ToList();
        Assert.Equal(6, numbers.Count);
        Assert.Equal(2, strings.Count);
        Assert.Single(ranges, r => r.IsNaN);
        foreach (var bracket in new[] { numbers, strings })
        {
            Assert.Null(bracket[0].Lower);
            Assert.Null(bracket[^1].Upper);
            for (var i = 1; i < bracket.Count; i++)
            {
                Assert.Equal(bracket[i - 1].Upper, bracket[i].Lower);
                Assert.True(BsonOrder.CompareValues(bracket[i].Lower!.Value, bracket[i - 1].Lower ?? Int(int.MinValue)) > 0);
            }
        }
    }

    [Fact]
    public void Repeated_sample_values_never_produce_empty_or_reversed_ranges()
    {
        var samples = Enumerable.Repeat(Int(7), 50).Concat([Int(1), Int(9)]).ToList();

        var ranges = ChunkPlanner.Split([IdBracket.Number], samples, wantedChunks: 10).Where(r => !r.IsNaN).ToList();

        Assert.InRange(ranges.Count, 1, 3);
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.True(BsonOrder.CompareValues(ranges[i].Lower!.Value, ranges[i - 1].Upper!.Value) == 0);
        }
    }

    [Fact]
    public void Brackets_that_hold_one_or_two_values_stay_whole_and_unsampled_brackets_get_one_chunk()
    {
        var ranges = ChunkPlanner.Split([IdBracket.Null, IdBracket.Boolean, IdBracket.ObjectId], [], wantedChunks: 5);

        Assert.Equal([IdBracket.Null, IdBracket.ObjectId, IdBracket.Boolean], ranges.Select(r => r.Bracket));
        Assert.All(ranges, r => Assert.True(r.Lower is null && r.Upper is null));
    }

    [Fact]
    public void A_range_filter_names_the_brackets_types_and_its_bounds()
    {
        var filter = new IdRange { Bracket = IdBracket.String, Lower = Str("a"), Upper = Str("m") }.ToFilter();

        Assert.Equal("{ _id: { $type: [ 2, 14 ], $gte: \"a\", $lt: \"m\" } }", BsonDebugText.Format(filter));
        Assert.Equal("{ _id: NaN }", BsonDebugText.Format(new IdRange { Bracket = IdBracket.Number, IsNaN = true }.ToFilter()));
        Assert.Equal("{ _id: { $type: [ 1, 16, 18, 19 ], $gte: -Infinity } }", BsonDebugText.Format(new IdRange { Bracket = IdBracket.Number }.ToFilter()));
    }
}
