using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Expressions;

/// <summary>
/// Expressions with user variables ($let, $map, $filter, $reduce), rounding and decimal conversions, evaluated by the
/// server in a $project through the driver. The expected values are mongod 7.0's (the examples of MongoDB's operator
/// pages where they give one), so these tests hold against a real server too.
/// </summary>
public class AggregationExpressionTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>, IAsyncLifetime
{
    private const string Sample = "{ _id: 1, a: 5, arr: [1, 2, 3], words: ['a', 'b', 'c'], items: [{ q: 1, p: 2.5 }, { q: 3, p: 1.0 }], n: null, s: 'x' }";

    private IMongoCollection<BsonDocument> _collection = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _collection = server.Client.GetDatabase(server.NewDatabaseName("expr")).GetCollection<BsonDocument>("c");
        await _collection.InsertOneAsync(BsonDocument.Parse(Sample), cancellationToken: Ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData("{ $let: { vars: { low: 1, high: '$a' }, in: { $add: ['$$low', '$$high'] } } }", "6")]
    [InlineData("{ $let: { vars: { x: 1 }, in: { $let: { vars: { x: 2, y: '$$x' }, in: ['$$x', '$$y'] } } } }", "[2, 1]")]
    [InlineData("{ $let: { vars: { doc: { k: '$a' } }, in: '$$doc.k' } }", "5")]
    [InlineData("{ $map: { input: '$arr', as: 'n', in: { $multiply: ['$$n', 10] } } }", "[10, 20, 30]")]
    [InlineData("{ $map: { input: '$arr', in: { $add: ['$$this', '$a'] } } }", "[6, 7, 8]")]
    [InlineData("{ $map: { input: '$items', as: 'i', in: '$$i.q' } }", "[1, 3]")]
    [InlineData("{ $map: { input: '$items', as: 'i', in: '$$i.missing' } }", "[null, null]")]
    [InlineData("{ $map: { input: '$n', in: 1 } }", "null")]
    [InlineData("{ $map: { input: '$nothing', in: 1 } }", "null")]
    [InlineData("{ $filter: { input: '$arr', as: 'n', cond: { $gte: ['$$n', 2] } } }", "[2, 3]")]
    [InlineData("{ $filter: { input: '$arr', as: 'n', cond: { $gte: ['$$n', 2] }, limit: 1 } }", "[2]")]
    [InlineData("{ $filter: { input: '$items', cond: { $gt: ['$$this.q', 1] } } }", "[{ q: 3, p: 1.0 }]")]
    [InlineData("{ $filter: { input: '$n', cond: true } }", "null")]
    [InlineData("{ $reduce: { input: '$arr', initialValue: 0, in: { $add: ['$$value', '$$this'] } } }", "6")]
    [InlineData("{ $reduce: { input: '$words', initialValue: '', in: { $concat: ['$$value', '$$this'] } } }", "'abc'")]
    [InlineData("{ $reduce: { input: '$items', initialValue: 0, in: { $add: ['$$value', { $multiply: ['$$this.q', '$$this.p'] }] } } }", "5.5")]
    [InlineData("{ $reduce: { input: [], initialValue: 'none', in: 1 } }", "'none'")]
    [InlineData("{ $map: { input: '$arr', as: 'x', in: { $filter: { input: '$arr', as: 'y', cond: { $lt: ['$$y', '$$x'] } } } } }", "[[], [1], [1, 2]]")]
    public async Task User_variables_are_bound_by_let_map_filter_and_reduce(string expression, string expected) =>
        Assert.Equal(Expected(expected), await EvaluateAsync(expression));

    [Theory]
    [InlineData("{ $add: ['$$nope', 1] }", 17276)]
    [InlineData("{ $map: { input: '$arr', as: 'n', in: '$$m' } }", 17276)]
    [InlineData("{ $let: { vars: { Bad: 1 }, in: 1 } }", 16867)]
    [InlineData("{ $map: { input: '$a', in: 1 } }", 16883)]
    [InlineData("{ $filter: { input: '$s', cond: true } }", 28651)]
    public async Task Variables_out_of_scope_bad_names_and_inputs_that_are_not_arrays_fail_with_the_servers_codes(string expression, int code)
    {
        var failed = await Assert.ThrowsAsync<MongoCommandException>(() => EvaluateAsync(expression));

        Assert.Equal(code, failed.Code);
    }

    [Theory]
    [InlineData("{ $round: [19.25, 1] }", "19.2")]
    [InlineData("{ $round: [28.73, 1] }", "28.7")]
    [InlineData("{ $round: [-45.39, 1] }", "-45.4")]
    [InlineData("{ $round: [1234.5678, -2] }", "1200.0")]
    [InlineData("{ $round: [10.5, 0] }", "10.0")]
    [InlineData("{ $round: [11.5] }", "12.0")]
    [InlineData("{ $round: [1250, -2] }", "1200")]
    [InlineData("{ $round: [NumberLong(1350), -2] }", "NumberLong(1400)")]
    [InlineData("{ $round: [NumberDecimal('1.235'), 2] }", "NumberDecimal('1.24')")]
    [InlineData("{ $round: ['$n', 1] }", "null")]
    [InlineData("{ $trunc: [19.25, 1] }", "19.2")]
    [InlineData("{ $trunc: [-45.39, 1] }", "-45.3")]
    [InlineData("{ $trunc: [1234.5678, -2] }", "1200.0")]
    [InlineData("{ $trunc: 7.8 }", "7.0")]
    [InlineData("{ $trunc: [NumberDecimal('-2.789'), 2] }", "NumberDecimal('-2.78')")]
    public async Task Round_goes_half_to_even_and_trunc_toward_zero_at_a_decimal_place(string expression, string expected) =>
        Assert.Equal(Expected(expected), await EvaluateAsync(expression));

    [Theory]
    [InlineData("{ $toDecimal: 2.5 }", "NumberDecimal('2.50000000000000')")]
    [InlineData("{ $toDecimal: true }", "NumberDecimal('1')")]
    [InlineData("{ $toDecimal: NumberInt(5) }", "NumberDecimal('5')")]
    [InlineData("{ $toDecimal: NumberLong(10000) }", "NumberDecimal('10000')")]
    [InlineData("{ $toDecimal: '-5.5' }", "NumberDecimal('-5.5')")]
    [InlineData("{ $toDecimal: ISODate('2018-03-27T05:04:47.890Z') }", "NumberDecimal('1522127087890')")]
    [InlineData("{ $toDecimal: '$n' }", "null")]
    [InlineData("{ $convert: { input: '12.5', to: 'decimal' } }", "NumberDecimal('12.5')")]
    [InlineData("{ $convert: { input: 7, to: 19 } }", "NumberDecimal('7')")]
    [InlineData("{ $convert: { input: 'abc', to: 'decimal', onError: 'not a number' } }", "'not a number'")]
    [InlineData("{ $convert: { input: '$n', to: 'decimal', onNull: 0 } }", "0")]
    [InlineData("{ $convert: { input: '42', to: 'int' } }", "42")]
    [InlineData("{ $convert: { input: 1.9, to: 'long' } }", "NumberLong(1)")]
    [InlineData("{ $convert: { input: '5ab9cbfa31c2ab715d42129e', to: 'objectId' } }", "ObjectId('5ab9cbfa31c2ab715d42129e')")]
    [InlineData("{ $convert: { input: NumberLong(1522127087890), to: 'date' } }", "ISODate('2018-03-27T05:04:47.890Z')")]
    public async Task ToDecimal_and_convert_give_the_values_mongod_documents(string expression, string expected) =>
        Assert.Equal(Expected(expected), await EvaluateAsync(expression));

    [Fact]
    public async Task A_conversion_that_fails_without_onError_is_ConversionFailure()
    {
        var failed = await Assert.ThrowsAsync<MongoCommandException>(() => EvaluateAsync("{ $toDecimal: 'abc' }"));

        Assert.Equal(241, failed.Code);
    }

    /// <summary>The expected value in the shell's notation, as the driver prints it (type and digits included).</summary>
    private static string Expected(string json) => BsonDocument.Parse("{ v: " + json + " }")["v"].ToJson();

    private async Task<string> EvaluateAsync(string expression)
    {
        var pipeline = new[]
        {
            new BsonDocument("$project", new BsonDocument { { "_id", 0 }, { "v", BsonDocument.Parse("{ e: " + expression + " }")["e"] } }),
        };
        var result = await (await _collection.AggregateAsync<BsonDocument>(pipeline, cancellationToken: Ct)).SingleAsync(Ct);
        return result.TryGetValue("v", out var value) ? value.ToJson() : "<missing>";
    }
}
