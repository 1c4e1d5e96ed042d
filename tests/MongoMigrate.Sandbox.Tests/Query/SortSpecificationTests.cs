using MongoMigrate.Sandbox.Query;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Query;

public class SortSpecificationTests
{
    private static string[] Sorted(string sort, params string[] docs) =>
        SortSpecification.Compile(Doc(sort)).Sort(Docs(docs)).Select(d => Json(d["_id"])).ToArray();

    [Fact]
    public void Ascending_and_descending_order_by_mongodb_comparison()
    {
        Assert.Equal(["2", "3", "1"], Sorted("{a: 1}", "{_id: 1, a: 'x'}", "{_id: 2, a: 1}", "{_id: 3, a: 2.5}"));
        Assert.Equal(["1", "3", "2"], Sorted("{a: -1}", "{_id: 1, a: 'x'}", "{_id: 2, a: 1}", "{_id: 3, a: 2.5}"));
    }

    [Fact]
    public void Missing_sorts_as_null_and_empty_array_before_null()
    {
        Assert.Equal(["4", "1", "2", "3"], Sorted("{a: 1}", "{_id: 1}", "{_id: 2, a: null}", "{_id: 3, a: 0}", "{_id: 4, a: []}"));
        Assert.Equal(["3", "1", "2", "4"], Sorted("{a: -1}", "{_id: 1}", "{_id: 2, a: null}", "{_id: 3, a: 0}", "{_id: 4, a: []}"));
    }

    [Fact]
    public void Arrays_sort_by_smallest_element_ascending_and_largest_descending()
    {
        Assert.Equal(["1", "2"], Sorted("{a: 1}", "{_id: 1, a: [1, 10]}", "{_id: 2, a: [5]}"));
        Assert.Equal(["1", "2"], Sorted("{a: -1}", "{_id: 1, a: [1, 10]}", "{_id: 2, a: [5]}"));
    }

    [Fact]
    public void Dotted_paths_reach_into_arrays_of_documents()
    {
        Assert.Equal(["2", "1"], Sorted("{'a.b': 1}", "{_id: 1, a: [{b: 5}, {b: 7}]}", "{_id: 2, a: [{b: 6}, {b: 2}]}"));
    }

    [Fact]
    public void Multiple_keys_break_ties_and_equal_documents_keep_their_order()
    {
        Assert.Equal(["2", "3", "1", "4"], Sorted("{a: 1, b: -1}", "{_id: 1, a: 2, b: 1}", "{_id: 2, a: 1, b: 2}", "{_id: 3, a: 1, b: 1}", "{_id: 4, a: 2, b: 1}"));
    }

    [Fact]
    public void Natural_sort_is_recognised()
    {
        var natural = SortSpecification.Compile(Doc("{$natural: -1}"));
        Assert.True(natural.IsNatural);
        Assert.Equal(-1, natural.NaturalDirection);
        Assert.True(SortSpecification.Compile(Doc("{}")).IsEmpty);
    }

    [Theory]
    [InlineData("{a: 2}", 15975)]
    [InlineData("{a: 0}", 15975)]
    [InlineData("{a: 'asc'}", 15974)]
    [InlineData("{'': 1}", 40352)]
    [InlineData("{'a..b': 1}", 15998)]
    public void Bad_sort_values_are_refused(string sort, int code) =>
        Assert.Equal(code, Fails(() => SortSpecification.Compile(Doc(sort))).Code);

    [Fact]
    public void Parallel_arrays_cannot_be_sorted_together()
    {
        var sort = SortSpecification.Compile(Doc("{a: 1, b: 1}"));
        var e = Fails(() => sort.Sort(Docs("{a: [1], b: [2]}", "{a: 1, b: 1}")));
        Assert.Equal(2, e.Code);
        Assert.Equal("cannot sort with keys that are parallel arrays", e.Message);
    }
}
