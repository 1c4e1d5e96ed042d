using MongoDB.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Query;

public class QueryFilterTests
{
    private static bool Match(string filter, string doc) => QueryFilter.Compile(Doc(filter)).Matches(Doc(doc));

    [Theory]
    // implicit equality, numbers across types
    [InlineData("{a: 1}", "{a: 1}", true)]
    [InlineData("{a: 1}", "{a: 1.0}", true)]
    [InlineData("{a: 1}", "{a: NumberLong(1)}", true)]
    [InlineData("{a: 1}", "{a: NumberDecimal('1.00')}", true)]
    [InlineData("{a: 1}", "{a: '1'}", false)]
    [InlineData("{a: 1}", "{b: 1}", false)]
    [InlineData("{a: 'x'}", "{a: 'x'}", true)]
    [InlineData("{a: 'x'}", "{a: 'xy'}", false)]
    [InlineData("{a: {b: 1}}", "{a: {b: 1}}", true)]
    [InlineData("{a: {b: 1}}", "{a: {b: 1, c: 2}}", false)]
    [InlineData("{a: {b: 1, c: 2}}", "{a: {c: 2, b: 1}}", false)]
    [InlineData("{a: 1, b: 2}", "{a: 1, b: 2}", true)]
    [InlineData("{a: 1, b: 2}", "{a: 1, b: 3}", false)]
    [InlineData("{}", "{a: 1}", true)]
    // arrays: element-wise and whole-array
    [InlineData("{a: 2}", "{a: [1, 2, 3]}", true)]
    [InlineData("{a: 4}", "{a: [1, 2, 3]}", false)]
    [InlineData("{a: [1, 2]}", "{a: [1, 2]}", true)]
    [InlineData("{a: [1, 2]}", "{a: [2, 1]}", false)]
    [InlineData("{a: [1, 2]}", "{a: [[1, 2], 3]}", true)]
    [InlineData("{a: 1}", "{a: [[1, 2], 3]}", false)]
    [InlineData("{a: []}", "{a: []}", true)]
    [InlineData("{a: []}", "{a: [[]]}", true)]
    // null and missing
    [InlineData("{a: null}", "{a: null}", true)]
    [InlineData("{a: null}", "{}", true)]
    [InlineData("{a: null}", "{a: undefined}", true)]
    [InlineData("{a: null}", "{a: 0}", false)]
    [InlineData("{a: null}", "{a: [1, null]}", true)]
    [InlineData("{a: null}", "{a: [1, 2]}", false)]
    [InlineData("{'a.b': null}", "{a: [{b: 1}, {c: 1}]}", true)]
    [InlineData("{'a.b': null}", "{a: [{b: 1}]}", false)]
    [InlineData("{'a.b': null}", "{a: [1, 2]}", false)]
    [InlineData("{'a.b': null}", "{a: []}", false)]
    [InlineData("{'a.b': null}", "{a: 5}", true)]
    [InlineData("{'a.b': null}", "{}", true)]
    // dotted paths
    [InlineData("{'a.b': 1}", "{a: {b: 1}}", true)]
    [InlineData("{'a.b': 1}", "{a: [{b: 2}, {b: 1}]}", true)]
    [InlineData("{'a.b': 1}", "{a: [{b: [0, 1]}]}", true)]
    [InlineData("{'a.b': 1}", "{a: [[{b: 1}]]}", false)]
    [InlineData("{'a.b.c': 1}", "{a: [{b: [{c: 1}]}]}", true)]
    [InlineData("{'a.0': 5}", "{a: [5, 6]}", true)]
    [InlineData("{'a.1': 5}", "{a: [5, 6]}", false)]
    [InlineData("{'a.0.b': 1}", "{a: [{b: 1}]}", true)]
    [InlineData("{'a.0.b': 1}", "{a: [{b: 2}, {b: 1}]}", false)]
    [InlineData("{'a.0': 5}", "{a: {'0': 5}}", true)]
    [InlineData("{'a.0': 5}", "{a: [{'0': 5}]}", true)]
    [InlineData("{'a.0': 1}", "{a: [[1, 2]]}", false)]
    [InlineData("{'a.0': [1, 2]}", "{a: [[1, 2]]}", true)]
    [InlineData("{'a.0.0': 1}", "{a: [[1, 2]]}", true)]
    [InlineData("{'a.b': 1}", "{a: 1}", false)]
    public void Equality_matches_as_the_server_does(string filter, string doc, bool expected) =>
        Assert.Equal(expected, Match(filter, doc));

    [Theory]
    [InlineData("{a: {$gt: 1}}", "{a: 2}", true)]
    [InlineData("{a: {$gt: 1}}", "{a: 1}", false)]
    [InlineData("{a: {$gte: 1}}", "{a: 1}", true)]
    [InlineData("{a: {$lt: 1}}", "{a: 0.5}", true)]
    [InlineData("{a: {$lte: 1}}", "{a: NumberLong(1)}", true)]
    [InlineData("{a: {$gt: 1}}", "{a: 'x'}", false)]
    [InlineData("{a: {$lt: 'b'}}", "{a: 1}", false)]
    [InlineData("{a: {$lt: 'b'}}", "{a: 'a'}", true)]
    [InlineData("{a: {$gt: 1}}", "{a: [0, 5]}", true)]
    [InlineData("{a: {$gt: 1, $lt: 3}}", "{a: [0, 5]}", true)]
    [InlineData("{a: {$gt: 1}}", "{}", false)]
    [InlineData("{a: {$gte: null}}", "{}", true)]
    [InlineData("{a: {$lte: null}}", "{a: null}", true)]
    [InlineData("{a: {$gt: null}}", "{a: null}", false)]
    [InlineData("{a: {$lt: null}}", "{a: 1}", false)]
    [InlineData("{a: {$gt: MinKey}}", "{a: 'x'}", true)]
    [InlineData("{a: {$gt: MinKey}}", "{a: null}", true)]
    [InlineData("{a: {$lt: MaxKey}}", "{a: {x: 1}}", true)]
    [InlineData("{a: {$lt: MinKey}}", "{a: 1}", false)]
    [InlineData("{a: {$gt: NaN}}", "{a: 1}", false)]
    [InlineData("{a: {$gte: NaN}}", "{a: NaN}", true)]
    [InlineData("{a: {$lt: NaN}}", "{a: NaN}", false)]
    [InlineData("{a: NaN}", "{a: NaN}", true)]
    [InlineData("{a: {$gt: ISODate('2020-01-01')}}", "{a: ISODate('2021-01-01')}", true)]
    [InlineData("{a: {$gt: ISODate('2020-01-01')}}", "{a: 5}", false)]
    [InlineData("{a: {$gt: [1]}}", "{a: [2]}", true)]
    [InlineData("{a: {$ne: 1}}", "{a: 2}", true)]
    [InlineData("{a: {$ne: 1}}", "{a: [1, 2]}", false)]
    [InlineData("{a: {$ne: 1}}", "{}", true)]
    [InlineData("{a: {$ne: null}}", "{}", false)]
    [InlineData("{a: {$ne: null}}", "{a: 1}", true)]
    [InlineData("{a: {$eq: 1}}", "{a: [1]}", true)]
    [InlineData("{a: {$eq: {$gt: 1}}}", "{a: {$gt: 1}}", true)]
    public void Comparisons_stay_within_a_type_bracket(string filter, string doc, bool expected) =>
        Assert.Equal(expected, Match(filter, doc));

    [Theory]
    [InlineData("{a: {$in: [1, 2]}}", "{a: 2}", true)]
    [InlineData("{a: {$in: [1, 2]}}", "{a: 3}", false)]
    [InlineData("{a: {$in: [1, 2]}}", "{a: [3, 2]}", true)]
    [InlineData("{a: {$in: [null]}}", "{}", true)]
    [InlineData("{a: {$in: [[1, 2]]}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$in: [/^x/]}}", "{a: 'xyz'}", true)]
    [InlineData("{a: {$in: [/^x/, 5]}}", "{a: 5.0}", true)]
    [InlineData("{a: {$in: []}}", "{a: 1}", false)]
    [InlineData("{a: {$nin: [1, 2]}}", "{a: 3}", true)]
    [InlineData("{a: {$nin: [1, 2]}}", "{a: [3, 1]}", false)]
    [InlineData("{a: {$nin: [1]}}", "{}", true)]
    [InlineData("{a: {$nin: [null]}}", "{}", false)]
    [InlineData("{a: {$exists: true}}", "{a: null}", true)]
    [InlineData("{a: {$exists: true}}", "{}", false)]
    [InlineData("{a: {$exists: false}}", "{}", true)]
    [InlineData("{a: {$exists: 0}}", "{a: 1}", false)]
    [InlineData("{'a.b': {$exists: true}}", "{a: [{c: 1}, {b: 2}]}", true)]
    [InlineData("{'a.b': {$exists: false}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$type: 'string'}}", "{a: 'x'}", true)]
    [InlineData("{a: {$type: 2}}", "{a: 'x'}", true)]
    [InlineData("{a: {$type: 'number'}}", "{a: NumberLong(1)}", true)]
    [InlineData("{a: {$type: 'number'}}", "{a: '1'}", false)]
    [InlineData("{a: {$type: ['string', 'int']}}", "{a: 1}", true)]
    [InlineData("{a: {$type: 'array'}}", "{a: []}", true)]
    [InlineData("{a: {$type: 'array'}}", "{a: [[1]]}", true)]
    [InlineData("{a: {$type: 'int'}}", "{a: [1.5, 2]}", true)]
    [InlineData("{a: {$type: 'null'}}", "{}", false)]
    [InlineData("{a: {$type: -1}}", "{a: MinKey}", true)]
    [InlineData("{a: {$type: 'maxKey'}}", "{a: MaxKey}", true)]
    [InlineData("{a: {$size: 2}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$size: 2}}", "{a: [1]}", false)]
    [InlineData("{a: {$size: 0}}", "{a: []}", true)]
    [InlineData("{a: {$size: 1}}", "{a: [[1, 2]]}", true)]
    [InlineData("{a: {$size: 1}}", "{a: 5}", false)]
    [InlineData("{'a.b': {$size: 1}}", "{a: [{b: [1, 2]}, {b: [3]}]}", true)]
    [InlineData("{a: {$mod: [4, 1]}}", "{a: 5}", true)]
    [InlineData("{a: {$mod: [4, 1]}}", "{a: 5.9}", true)]
    [InlineData("{a: {$mod: [4, 1]}}", "{a: 6}", false)]
    [InlineData("{a: {$mod: [4, -1]}}", "{a: -5}", true)]
    [InlineData("{a: {$mod: [4, 0]}}", "{a: 'x'}", false)]
    [InlineData("{a: {$all: [1, 2]}}", "{a: [2, 3, 1]}", true)]
    [InlineData("{a: {$all: [1, 2]}}", "{a: [2, 3]}", false)]
    [InlineData("{a: {$all: [1]}}", "{a: 1}", true)]
    [InlineData("{a: {$all: []}}", "{a: [1]}", false)]
    [InlineData("{a: {$all: [[1, 2]]}}", "{a: [1, 2]}", true)]
    [InlineData("{a: {$all: [/^a/, /b$/]}}", "{a: ['ab']}", true)]
    [InlineData("{a: {$all: [{$elemMatch: {x: 1}}, {$elemMatch: {y: 1}}]}}", "{a: [{x: 1}, {y: 1}]}", true)]
    [InlineData("{a: {$elemMatch: {b: 1, c: 2}}}", "{a: [{b: 1, c: 2}]}", true)]
    [InlineData("{a: {$elemMatch: {b: 1, c: 2}}}", "{a: [{b: 1}, {c: 2}]}", false)]
    [InlineData("{a: {$elemMatch: {$gt: 1, $lt: 3}}}", "{a: [0, 2]}", true)]
    [InlineData("{a: {$elemMatch: {$gt: 1, $lt: 3}}}", "{a: [0, 5]}", false)]
    [InlineData("{a: {$elemMatch: {$gt: 1}}}", "{a: 5}", false)]
    [InlineData("{a: {$elemMatch: {}}}", "{a: [{}, 1]}", true)]
    [InlineData("{a: {$elemMatch: {}}}", "{a: [1]}", false)]
    [InlineData("{a: {$elemMatch: {$or: [{b: 1}, {b: 2}]}}}", "{a: [{b: 2}]}", true)]
    [InlineData("{a: {$elemMatch: {$not: {$gt: 5}}}}", "{a: [7, 3]}", true)]
    [InlineData("{a: {$elemMatch: {$elemMatch: {$eq: 1}}}}", "{a: [[1]]}", true)]
    [InlineData("{'a.b': {$elemMatch: {c: 1}}}", "{a: [{b: [{c: 1}]}]}", true)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{a: 3}", true)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{a: [3, 7]}", false)]
    [InlineData("{a: {$not: {$gt: 5}}}", "{}", true)]
    [InlineData("{a: {$not: /^x/}}", "{a: 'y'}", true)]
    [InlineData("{a: {$not: {$regex: '^x'}}}", "{a: 'xy'}", false)]
    public void Operators_match_as_the_server_does(string filter, string doc, bool expected) =>
        Assert.Equal(expected, Match(filter, doc));

    [Theory]
    [InlineData("{a: /^ab/}", "{a: 'abc'}", true)]
    [InlineData("{a: /^ab/}", "{a: 'cab'}", false)]
    [InlineData("{a: /^AB/i}", "{a: 'abc'}", true)]
    [InlineData("{a: {$regex: '^AB', $options: 'i'}}", "{a: 'abc'}", true)]
    [InlineData("{a: {$regex: '^b', $options: 'm'}}", "{a: 'a\\nb'}", true)]
    [InlineData("{a: {$regex: '^b'}}", "{a: 'a\\nb'}", false)]
    [InlineData("{a: {$regex: 'a.b', $options: 's'}}", "{a: 'a\\nb'}", true)]
    [InlineData("{a: {$regex: 'a b # comment', $options: 'x'}}", "{a: 'ab'}", true)]
    [InlineData("{a: /x/}", "{a: ['a', 'x']}", true)]
    [InlineData("{a: /x/}", "{a: 5}", false)]
    [InlineData("{a: /x/}", "{a: /x/}", true)]
    [InlineData("{a: /x/}", "{a: /x/i}", false)]
    [InlineData("{a: {$eq: /x/}}", "{a: 'x'}", false)]
    [InlineData("{a: {$eq: /x/}}", "{a: /x/}", true)]
    public void Regexes_search_strings_and_equal_identical_regexes(string filter, string doc, bool expected) =>
        Assert.Equal(expected, Match(filter, doc));

    [Theory]
    [InlineData("{$and: [{a: 1}, {b: 2}]}", "{a: 1, b: 2}", true)]
    [InlineData("{$and: [{a: 1}, {b: 2}]}", "{a: 1, b: 3}", false)]
    [InlineData("{$or: [{a: 1}, {b: 2}]}", "{a: 0, b: 2}", true)]
    [InlineData("{$or: [{a: 1}, {b: 2}]}", "{a: 0, b: 0}", false)]
    [InlineData("{$nor: [{a: 1}, {b: 2}]}", "{a: 0, b: 0}", true)]
    [InlineData("{$nor: [{a: 1}, {b: 2}]}", "{a: 1}", false)]
    [InlineData("{$comment: 'hello', a: 1}", "{a: 1}", true)]
    [InlineData("{$expr: {$gt: ['$a', '$b']}}", "{a: 2, b: 1}", true)]
    [InlineData("{$expr: {$gt: ['$a', '$b']}}", "{a: 1, b: 2}", false)]
    [InlineData("{$expr: {$eq: ['$a', null]}}", "{}", false)]
    [InlineData("{$alwaysFalse: 1}", "{}", false)]
    public void Logical_operators_combine_clauses(string filter, string doc, bool expected) =>
        Assert.Equal(expected, Match(filter, doc));

    [Theory]
    [InlineData("{a: {$foo: 1}}", 2, "unknown operator: $foo")]
    [InlineData("{$foo: 1}", 2, "unknown top level operator: $foo")]
    [InlineData("{$and: []}", 2, "$and/$or/$nor must be a nonempty array")]
    [InlineData("{$or: 1}", 2, "$or must be an array")]
    [InlineData("{$or: [1]}", 2, "$or/$and/$nor entries need to be full objects")]
    [InlineData("{a: {$in: 1}}", 2, "$in needs an array")]
    [InlineData("{a: {$nin: 1}}", 2, "$nin needs an array")]
    [InlineData("{a: {$in: [{$gt: 1}]}}", 2, "cannot nest $ under $in")]
    [InlineData("{a: {$size: 'x'}}", 2, "$size needs a number")]
    [InlineData("{a: {$size: 1.5}}", 2, "$size must be a whole number")]
    [InlineData("{a: {$size: -1}}", 2, "$size may not be negative")]
    [InlineData("{a: {$mod: 1}}", 2, "malformed mod, needs to be an array")]
    [InlineData("{a: {$mod: [1]}}", 2, "malformed mod, not enough elements")]
    [InlineData("{a: {$mod: [1, 2, 3]}}", 2, "malformed mod, too many elements")]
    [InlineData("{a: {$mod: [0, 1]}}", 2, "divisor cannot be 0")]
    [InlineData("{a: {$mod: ['x', 1]}}", 2, "malformed mod, divisor not a number")]
    [InlineData("{a: {$type: 'foo'}}", 2, "Unknown type name alias: foo")]
    [InlineData("{a: {$type: 100}}", 2, "Invalid numerical type code: 100")]
    [InlineData("{a: {$type: {}}}", 14, "type must be represented as a number or a string")]
    [InlineData("{a: {$all: 1}}", 2, "$all needs an array")]
    [InlineData("{a: {$all: [{$gt: 1}]}}", 2, "no $ expressions in $all")]
    [InlineData("{a: {$elemMatch: 1}}", 2, "$elemMatch needs an Object")]
    [InlineData("{a: {$not: 1}}", 2, "$not needs a regex or a document")]
    [InlineData("{a: {$not: {}}}", 2, "$not cannot be empty")]
    [InlineData("{a: {$options: 'i'}}", 2, "$options needs a $regex")]
    [InlineData("{a: {$regex: 'x', $options: 'g'}}", 51108, "invalid flag in regex options: g")]
    [InlineData("{a: {$regex: '('}}", 51091, "Regular expression is invalid")]
    [InlineData("{a: {$ne: /x/}}", 2, "Can't have regex as arg to $ne.")]
    [InlineData("{a: undefined}", 2, "cannot compare to undefined")]
    [InlineData("{$where: 'true'}", 2, "$where is not supported by the sandbox")]
    [InlineData("{$expr: {$foo: 1}}", 168, "Unrecognized expression '$foo'")]
    public void Bad_filters_fail_with_the_servers_code_and_message(string filter, int code, string message)
    {
        var e = Fails(() => QueryFilter.Compile(Doc(filter)));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Regex_operator_accepts_a_regex_value_and_options()
    {
        var withFlags = new BsonDocument("a", new BsonDocument("$regex", new BsonRegularExpression("^AB", "i")));
        Assert.True(QueryFilter.Compile(Raw(withFlags)).Matches(Doc("{a: 'abc'}")));
        var withOptions = new BsonDocument("a", new BsonDocument { { "$regex", new BsonRegularExpression("^AB") }, { "$options", "i" } });
        Assert.True(QueryFilter.Compile(Raw(withOptions)).Matches(Doc("{a: 'abc'}")));
        var both = new BsonDocument("a", new BsonDocument { { "$regex", new BsonRegularExpression("x", "i") }, { "$options", "m" } });
        Assert.Equal("options set in both $regex and $options", Fails(() => QueryFilter.Compile(Raw(both))).Message);
        var number = new BsonDocument("a", new BsonDocument("$regex", 1));
        Assert.Equal("$regex has to be a string", Fails(() => QueryFilter.Compile(Raw(number))).Message);
    }

    [Fact]
    public void The_empty_filter_is_the_match_all_instance()
    {
        Assert.Same(QueryFilter.MatchAll, QueryFilter.Compile(Doc("{}")));
        Assert.True(QueryFilter.MatchAll.IsMatchAll);
        Assert.True(QueryFilter.MatchAll.Matches(Doc("{a: 1}")));
    }

    [Fact]
    public void Dotted_path_matches_inside_arrays_of_documents()
    {
        var filter = QueryFilter.Compile(Doc("{'items.sku': 'b', 'items.qty': {$gt: 5}}"));
        Assert.True(filter.Matches(Doc("{items: [{sku: 'a', qty: 10}, {sku: 'b', qty: 1}]}")));
        Assert.False(filter.Matches(Doc("{items: [{sku: 'a', qty: 1}, {sku: 'c', qty: 10}]}")));
    }

    [Theory]
    [InlineData("{'a.b': 5}", "{a: [{b: 1}, {b: 5}]}", 1)]
    [InlineData("{a: 3}", "{a: [1, 2, 3]}", 2)]
    [InlineData("{a: {$gt: 1}}", "{a: [1, 2, 3]}", 1)]
    [InlineData("{a: {$elemMatch: {x: 1, y: 2}}}", "{a: [{x: 1}, {x: 1, y: 2}]}", 1)]
    [InlineData("{'s.a.b': 5}", "{s: {a: [{b: 0}, {b: 5}]}}", 1)]
    [InlineData("{x: 1, 'a.b': 5}", "{x: 1, a: [{b: 5}]}", 0)]
    [InlineData("{x: 1}", "{x: 1, a: [1]}", -1)]
    [InlineData("{a: [1, 2]}", "{a: [1, 2]}", -1)]
    public void Positional_index_is_the_matched_array_element(string filter, string doc, int expected)
    {
        var found = QueryFilter.Compile(Doc(filter)).TryGetPositionalIndex(Doc(doc), out var index);
        Assert.Equal(expected >= 0, found);
        Assert.Equal(expected, index);
    }

    [Fact]
    public void Candidates_include_the_leaf_array_itself_after_its_elements()
    {
        var values = FieldPath.Parse("a").Candidates(Doc("{a: [1, 2]}"));
        Assert.Equal(["1", "2", "[1, 2]"], values.Select(Json));
    }
}
