using MongoMigrate.Sandbox.Query;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Query;

public class IdBoundsTests
{
    private static IdBounds Bounds(string filter)
    {
        Assert.True(QueryFilter.Compile(Doc(filter)).TryGetIdBounds(out var bounds));
        return bounds;
    }

    [Fact]
    public void Equality_on_id_gives_one_point()
    {
        var bounds = Bounds("{_id: 5, a: 1}");
        Assert.True(bounds.IsPoints);
        Assert.Equal(["5"], bounds.Points!.Select(Json));
        Assert.True(bounds.Contains(Val("5.0")));
        Assert.False(bounds.Contains(Val("6")));
    }

    [Fact]
    public void In_on_id_gives_sorted_distinct_points()
    {
        var bounds = Bounds("{_id: {$in: [3, 1, 3.0, 'a']}}");
        Assert.Equal(["1", "3", "\"a\""], bounds.Points!.Select(Json));
    }

    [Fact]
    public void Ranges_stay_within_the_operands_type()
    {
        var gt = Bounds("{_id: {$gt: 5}}");
        Assert.False(gt.IsPoints);
        Assert.Equal("5", Json(gt.Lower!.Value));
        Assert.False(gt.LowerInclusive);
        Assert.Equal("\"\"", Json(gt.Upper!.Value));
        Assert.False(gt.UpperInclusive);
        Assert.True(gt.Contains(Val("6")));
        Assert.False(gt.Contains(Val("'x'")));

        var lte = Bounds("{_id: {$lte: 'm'}}");
        Assert.Equal("\"\"", Json(lte.Lower!.Value));
        Assert.True(lte.LowerInclusive);
        Assert.Equal("\"m\"", Json(lte.Upper!.Value));
        Assert.True(lte.UpperInclusive);
    }

    [Fact]
    public void Conditions_inside_and_are_intersected()
    {
        var range = Bounds("{$and: [{_id: {$gte: 2}}, {_id: {$lt: 9}}], a: 1}");
        Assert.Equal("2", Json(range.Lower!.Value));
        Assert.True(range.LowerInclusive);
        Assert.Equal("9", Json(range.Upper!.Value));
        Assert.False(range.UpperInclusive);

        var merged = Bounds("{_id: {$gt: 2, $lte: 9, $type: 'number'}}");
        Assert.Equal("2", Json(merged.Lower!.Value));
        Assert.Equal("9", Json(merged.Upper!.Value));

        var points = Bounds("{_id: {$in: [1, 5, 20]}, $and: [{_id: {$gt: 2}}]}");
        Assert.Equal(["5", "20"], points.Points!.Select(Json));

        Assert.True(Bounds("{_id: {$gt: 5, $lt: 1}}").IsEmpty);
        Assert.True(Bounds("{_id: {$in: []}}").IsEmpty);
    }

    [Theory]
    [InlineData("{a: 1}")]
    [InlineData("{_id: {$ne: 1}}")]
    [InlineData("{_id: {$nin: [1]}}")]
    [InlineData("{$or: [{_id: 1}, {_id: 2}]}")]
    [InlineData("{_id: /x/}")]
    [InlineData("{_id: {$in: [/x/]}}")]
    [InlineData("{_id: {$gte: null}}")]
    [InlineData("{'_id.a': 1}")]
    public void Filters_without_usable_id_conditions_have_no_bounds(string filter) =>
        Assert.False(QueryFilter.Compile(Doc(filter)).TryGetIdBounds(out _));

    [Fact]
    public void Equality_fields_are_sorted_by_path()
    {
        var filter = QueryFilter.Compile(Doc("{b: 1, a: {$eq: 2}, c: {$gt: 1}, d: /x/, $and: [{e: {$in: [4]}}], f: {$in: [1, 2]}, g: {$all: [5]}}"));
        Assert.Equal(["a=2", "b=1", "e=4", "g=5"], filter.EqualityFields.Select(p => p.Key + "=" + Json(p.Value)));
    }
}
