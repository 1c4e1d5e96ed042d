using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Query;

public class IndexKeysTests
{
    private static string[] Keys(string pattern, string doc) =>
        IndexKeys.Compile(Doc(pattern)).GetKeys(Doc(doc)).Select(k => string.Join(", ", k.Select(Json))).ToArray();

    [Theory]
    [InlineData("{a: 1}", "{a: 5}", new[] { "5" })]
    [InlineData("{a: 1}", "{}", new[] { "null" })]
    [InlineData("{a: 1}", "{a: [1, 2, 1.0]}", new[] { "1", "2" })]
    [InlineData("{a: 1}", "{a: []}", new[] { "undefined" })]
    [InlineData("{a: 1}", "{a: [[1, 2]]}", new[] { "[1, 2]" })]
    [InlineData("{'a.b': 1}", "{a: [{b: 1}, {b: 2}, {c: 3}]}", new[] { "1", "2" })]
    [InlineData("{'a.b': 1}", "{a: {b: {c: 1}}}", new[] { "{ \"c\" : 1 }" })]
    [InlineData("{'a.0': 1}", "{a: [7, 8]}", new[] { "7" })]
    [InlineData("{a: 1, b: -1}", "{a: 1, b: [2, 3]}", new[] { "1, 2", "1, 3" })]
    [InlineData("{a: 1, b: 1}", "{a: 1}", new[] { "1, null" })]
    public void Documents_produce_one_key_per_array_element(string pattern, string doc, string[] expected) =>
        Assert.Equal(expected, Keys(pattern, doc));

    [Fact]
    public void Two_array_fields_in_one_compound_key_are_refused()
    {
        var e = Fails(() => Keys("{a: 1, b: 1}", "{a: [1], b: [2]}"));
        Assert.Equal(171, e.Code);
        Assert.Equal("cannot index parallel arrays [b] [a]", e.Message);
    }

    [Theory]
    [InlineData("{a: 'hashed'}")]
    [InlineData("{a: 'text'}")]
    [InlineData("{a: '2dsphere'}")]
    [InlineData("{a: 0}")]
    [InlineData("{}")]
    public void Unsupported_key_patterns_are_refused(string pattern) =>
        Assert.Equal(67, Fails(() => IndexKeys.Compile(Doc(pattern))).Code);

    [Fact]
    public void Key_equality_uses_mongodb_comparison()
    {
        var keys = IndexKeys.Compile(Doc("{a: 1}"));
        var one = keys.GetKeys(Doc("{a: 1}"))[0];
        var oneDouble = keys.GetKeys(Doc("{a: 1.0}"))[0];
        var missing = keys.GetKeys(Doc("{}"))[0];
        var nullKey = keys.GetKeys(Doc("{a: null}"))[0];
        Assert.True(IndexKeys.KeyEquality.Equals(one, oneDouble));
        Assert.Equal(IndexKeys.KeyEquality.GetHashCode(one), IndexKeys.KeyEquality.GetHashCode(oneDouble));
        Assert.True(IndexKeys.KeyEquality.Equals(missing, nullKey));
        Assert.True(keys.Comparer.Compare(one, nullKey) > 0);
        Assert.True(IndexKeys.Compile(Doc("{a: -1}")).Comparer.Compare(one, nullKey) < 0);
        Assert.Equal(BsonTypeCode.Null, missing[0].Type);
    }
}
