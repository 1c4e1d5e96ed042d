using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Query;

/// <summary>
/// Range queries and sorts on _id across BSON types, through the driver, with the results MongoDB
/// documents: comparisons only match values of the bound's type bracket, numbers compare by value
/// across types, and a sort follows the type brackets' order.
/// </summary>
public class MixedTypeRangeQueryTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly BsonValue[] Ids =
    [
        BsonMinKey.Value,
        BsonNull.Value,
        -5,
        2L,
        2.5,
        new BsonDecimal128(Decimal128.Parse("3.0")),
        new BsonInt64(10_000_000_000),
        "apple",
        "banana",
        new BsonDocument("a", 1),
        new BsonBinaryData(Guid.Parse("00000000-0000-0000-0000-000000000001"), GuidRepresentation.Standard),
        new ObjectId("000000000000000000000001"),
        false,
        true,
        new BsonDateTime(0),
        new BsonTimestamp(1, 1),
        BsonMaxKey.Value,
    ];

    private async Task<IMongoCollection<BsonDocument>> SeedAsync()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("ranges")).GetCollection<BsonDocument>("c");
        // Inserted in reverse so that any answer in insertion order would show.
        await collection.InsertManyAsync(Ids.Reverse().Select(id => new BsonDocument("_id", id)), cancellationToken: Ct);
        return collection;
    }

    private static async Task<List<BsonValue>> IdsAsync(IMongoCollection<BsonDocument> collection, string filter) =>
        (await collection.Find(BsonDocument.Parse(filter)).Sort("{_id: 1}").ToListAsync(Ct)).Select(d => d["_id"]).ToList();

    [Fact]
    public async Task Sorting_by_id_follows_the_type_brackets()
    {
        var collection = await SeedAsync();
        var all = await IdsAsync(collection, "{}");
        Assert.Equal(Ids, all);
    }

    [Fact]
    public async Task A_numeric_range_matches_numbers_of_every_type_and_nothing_else()
    {
        var collection = await SeedAsync();
        Assert.Equal([2L, 2.5, new BsonDecimal128(Decimal128.Parse("3.0"))], await IdsAsync(collection, "{_id: {$gte: 2, $lte: 3}}"));
        Assert.Equal([-5, 2L, 2.5, new BsonDecimal128(Decimal128.Parse("3.0")), new BsonInt64(10_000_000_000)], await IdsAsync(collection, "{_id: {$gt: -100}}"));
    }

    [Fact]
    public async Task A_string_range_matches_only_strings()
    {
        var collection = await SeedAsync();
        Assert.Equal(["apple", "banana"], await IdsAsync(collection, "{_id: {$gte: ''}}"));
        Assert.Equal(["apple"], await IdsAsync(collection, "{_id: {$lt: 'b'}}"));
    }

    [Fact]
    public async Task Type_and_range_together_select_one_bracket_slice()
    {
        var collection = await SeedAsync();
        Assert.Equal([new BsonDateTime(0)], await IdsAsync(collection, "{_id: {$type: 'date', $gte: {$date: '1969-01-01T00:00:00Z'}}}"));
        Assert.Equal([false, true], await IdsAsync(collection, "{_id: {$type: 'bool'}}"));
    }

    [Fact]
    public async Task MinKey_and_MaxKey_bounds_span_every_type()
    {
        var collection = await SeedAsync();
        Assert.Equal(Ids.Skip(1).SkipLast(1), await IdsAsync(collection, "{_id: {$gt: {$minKey: 1}, $lt: {$maxKey: 1}}}"));
    }

    [Fact]
    public async Task Equal_numbers_of_different_types_are_one_id()
    {
        var collection = await SeedAsync();
        var error = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(new BsonDocument("_id", 2.0), cancellationToken: Ct));
        Assert.Equal(ServerErrorCategory.DuplicateKey, error.WriteError.Category);
        Assert.Equal([2L], await IdsAsync(collection, "{_id: 2}"));
    }
}
