using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Documents;

public class FieldPathTests
{
    private static string[] Candidates(string path, string doc, bool traverseLeafArrays = true) =>
        FieldPath.Parse(path).Candidates(Doc(doc), traverseLeafArrays).Select(Json).ToArray();

    [Theory]
    [InlineData("a", "{a: 1}", new[] { "1" })]
    [InlineData("a", "{}", new[] { "<missing>" })]
    [InlineData("a.b", "{a: {b: 2}}", new[] { "2" })]
    [InlineData("a.b", "{a: 5}", new[] { "<missing>" })]
    [InlineData("a.b", "{a: [{b: 1}, {c: 1}, 7, {b: [2]}]}", new[] { "1", "<missing>", "2", "[2]" })]
    [InlineData("a.1", "{a: [5, 6]}", new[] { "6" })]
    [InlineData("a.0", "{a: [{'0': 'f'}, 2]}", new[] { "\"f\"", "{ \"0\" : \"f\" }" })]
    [InlineData("a.0.b", "{a: [[{b: 1}], {b: 2}]}", new[] { "1", "<missing>" })]
    public void Match_candidates_follow_the_servers_array_traversal(string path, string doc, string[] expected) =>
        Assert.Equal(expected, Candidates(path, doc));

    [Fact]
    public void Leaf_arrays_can_be_offered_whole()
    {
        Assert.Equal(["[1, 2]"], Candidates("a", "{a: [1, 2]}", traverseLeafArrays: false));
        Assert.Equal(["[1]", "[2, 3]"], Candidates("a.b", "{a: [{b: [1]}, {b: [2, 3]}]}", traverseLeafArrays: false));
    }

    [Theory]
    [InlineData("a.b", "{a: {b: 1}}", "1")]
    [InlineData("a.b", "{a: [{b: 1}, {c: 2}, 3, {b: [4]}]}", "[1, [4]]")]
    [InlineData("a.0", "{a: [1, 2]}", "[]")]
    [InlineData("a.b", "{a: 1}", "<missing>")]
    [InlineData("a", "{}", "<missing>")]
    public void Expression_paths_map_over_arrays_of_documents(string path, string doc, string expected) =>
        Assert.Equal(expected, Json(FieldPath.Parse(path).Evaluate(Doc(doc))));

    [Fact]
    public void Key_values_expand_arrays_and_default_to_null()
    {
        var values = new List<RawBsonValue>();
        FieldPath.Parse("a.b").CollectKeyValues(Doc("{a: [{b: 1}, {b: [2, 3]}]}"), values, out var multikey);
        Assert.True(multikey);
        Assert.Equal(["1", "2", "3"], values.Select(Json));

        values.Clear();
        FieldPath.Parse("x").CollectKeyValues(Doc("{a: 1}"), values, out multikey);
        Assert.False(multikey);
        Assert.Equal(["null"], values.Select(Json));
    }

    [Theory]
    [InlineData("a", "{a: [1, 2]}", new[] { "1", "2" })]
    [InlineData("a", "{a: [[1]]}", new[] { "[1]" })]
    [InlineData("a", "{a: []}", new string[0])]
    [InlineData("a", "{}", new string[0])]
    [InlineData("a", "{a: null}", new[] { "null" })]
    [InlineData("a.b", "{a: [{b: 1}, {b: [2, 3]}, {c: 4}]}", new[] { "1", "2", "3" })]
    public void Distinct_values_expand_arrays_and_skip_missing(string path, string doc, string[] expected)
    {
        var values = new List<RawBsonValue>();
        FieldPath.Parse(path).CollectDistinctValues(Doc(doc), values);
        Assert.Equal(expected, values.Select(Json));
    }

    [Fact]
    public void Matching_ids_equalities_ranges_and_regexes_does_not_allocate()
    {
        var doc = Doc("{_id: 5, name: 'alpha', n: 3, sub: {x: 1}, tags: ['a', 'b']}");
        var filters = new[]
        {
            QueryFilter.Compile(Doc("{_id: 5}")),
            QueryFilter.Compile(Doc("{name: 'alpha', n: {$gte: 2}}")),
            QueryFilter.Compile(Doc("{'sub.x': 1, tags: 'b'}")),
            QueryFilter.Compile(Doc("{n: {$in: [1, 2, 3]}}")),
            QueryFilter.Compile(Doc("{name: /^al/i}")),
        };
        foreach (var filter in filters)
        {
            Assert.True(filter.Matches(doc));
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            foreach (var filter in filters)
            {
                filter.Matches(doc);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
