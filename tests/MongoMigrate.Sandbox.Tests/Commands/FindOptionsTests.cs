using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>
/// The find options a client may send beyond filter, sort and projection, as mongod 7.0 answers them (min/max in
/// query_planner.cpp, returnKey and showRecordId, tailable cursors in get_executor.cpp and find_cmd.cpp), or, for
/// collation, the sandbox's named refusal where a real server would compare strings by locale.
/// </summary>
public class FindOptionsTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_case_insensitive_collation_is_honoured_by_a_server_and_refused_by_the_sandbox()
    {
        var collection = await CollectionAsync(new BsonDocument { { "_id", 1 }, { "s", "a" } }, new BsonDocument { { "_id", 2 }, { "s", "A" } });
        var options = new FindOptions<BsonDocument> { Collation = new Collation("en", strength: CollationStrength.Secondary) };

        if (server.IsSandbox)
        {
            var refused = await Assert.ThrowsAsync<MongoCommandException>(() => collection.FindAsync(new BsonDocument("s", "a"), options, Ct));
            Assert.Equal((2, "BadValue"), (refused.Code, refused.CodeName));
            Assert.Contains("no collation support", refused.ErrorMessage, StringComparison.Ordinal);

            var update = await Assert.ThrowsAnyAsync<MongoException>(
                () => collection.UpdateManyAsync(new BsonDocument("s", "a"), new BsonDocument("$set", new BsonDocument("x", 1)), new UpdateOptions { Collation = options.Collation }, Ct));
            Assert.Contains("no collation support", update.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(2, (await (await collection.FindAsync(new BsonDocument("s", "a"), options, Ct)).ToListAsync(Ct)).Count);
        }
    }

    [Fact]
    public async Task The_simple_collation_compares_in_binary_order()
    {
        var collection = await CollectionAsync(new BsonDocument { { "_id", 1 }, { "s", "a" } }, new BsonDocument { { "_id", 2 }, { "s", "A" } });

        var found = await (await collection.FindAsync(new BsonDocument("s", "a"), new FindOptions<BsonDocument> { Collation = Collation.Simple }, Ct)).ToListAsync(Ct);

        Assert.Equal([1], found.Select(d => d["_id"].AsInt32));
    }

    [Fact]
    public async Task Min_and_max_bound_the_hinted_index_key_and_order_by_it()
    {
        var collection = await CollectionAsync(Enumerable.Range(1, 6).Select(i => new BsonDocument { { "_id", i }, { "a", 7 - i } }).ToArray());
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("a", 1)), cancellationToken: Ct);

        var options = new FindOptions<BsonDocument> { Min = new BsonDocument("a", 2), Max = new BsonDocument("a", 5), Hint = "a_1" };
        var found = await (await collection.FindAsync(FilterDefinition<BsonDocument>.Empty, options, Ct)).ToListAsync(Ct);

        // min is inclusive, max exclusive, and the index's order is the answer's.
        Assert.Equal([2, 3, 4], found.Select(d => d["a"].AsInt32));
    }

    [Fact]
    public async Task Min_without_a_hint_is_refused()
    {
        var collection = await CollectionAsync(new BsonDocument { { "_id", 1 }, { "a", 1 } });
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("a", 1)), cancellationToken: Ct);

        var refused = await Assert.ThrowsAsync<MongoCommandException>(
            () => collection.FindAsync(FilterDefinition<BsonDocument>.Empty, new FindOptions<BsonDocument> { Min = new BsonDocument("a", 0) }, Ct));

        Assert.Contains("When using min()/max() a hint of which index to use must be provided", refused.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReturnKey_answers_with_the_hinted_index_keys()
    {
        var collection = await CollectionAsync(new BsonDocument { { "_id", 1 }, { "a", 10 }, { "b", "x" } }, new BsonDocument { { "_id", 2 }, { "a", 20 }, { "b", "y" } });
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("a", 1)), cancellationToken: Ct);

        var options = new FindOptions<BsonDocument> { ReturnKey = true, Hint = "a_1", Sort = new BsonDocument("a", 1) };
        var found = await (await collection.FindAsync(new BsonDocument("a", new BsonDocument("$gt", 0)), options, Ct)).ToListAsync(Ct);

        Assert.Equal([new BsonDocument("a", 10), new BsonDocument("a", 20)], found);
    }

    [Fact]
    public async Task ShowRecordId_adds_an_int64_record_id_that_grows_with_insertion()
    {
        var collection = await CollectionAsync(new BsonDocument("_id", 3), new BsonDocument("_id", 1), new BsonDocument("_id", 2));

        var options = new FindOptions<BsonDocument> { ShowRecordId = true, Sort = new BsonDocument("_id", 1) };
        var found = await (await collection.FindAsync(FilterDefinition<BsonDocument>.Empty, options, Ct)).ToListAsync(Ct);

        Assert.All(found, d => Assert.Equal(BsonType.Int64, d["$recordId"].BsonType));
        var byId = found.ToDictionary(d => d["_id"].AsInt32, d => d["$recordId"].AsInt64);
        Assert.True(byId[3] < byId[1] && byId[1] < byId[2], $"record ids follow insertion order: {string.Join(", ", byId)}");
    }

    [Fact]
    public async Task A_tailable_cursor_on_a_collection_that_is_not_capped_is_refused()
    {
        var collection = await CollectionAsync(new BsonDocument("_id", 1));

        var refused = await Assert.ThrowsAsync<MongoCommandException>(async () =>
        {
            using var cursor = await collection.FindAsync(FilterDefinition<BsonDocument>.Empty, new FindOptions<BsonDocument> { CursorType = CursorType.TailableAwait }, Ct);
            await cursor.MoveNextAsync(Ct);
        });

        Assert.Equal(2, refused.Code);
        Assert.Contains("tailable cursor requested on non capped collection", refused.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tailable_await_cursor_on_a_capped_collection_wakes_for_a_new_document()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("tail"));
        await database.CreateCollectionAsync("log", new CreateCollectionOptions { Capped = true, MaxSize = 1 << 20 }, Ct);
        var collection = database.GetCollection<BsonDocument>("log");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        var options = new FindOptions<BsonDocument> { CursorType = CursorType.TailableAwait, MaxAwaitTime = TimeSpan.FromSeconds(30) };
        using var cursor = await collection.FindAsync(FilterDefinition<BsonDocument>.Empty, options, Ct);
        Assert.True(await cursor.MoveNextAsync(Ct));
        Assert.Equal([1], cursor.Current.Select(d => d["_id"].AsInt32));

        var waited = Stopwatch.StartNew();
        var next = cursor.MoveNextAsync(Ct);
        await collection.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct);
        var received = new List<int>();
        while (received.Count == 0 && await next)
        {
            received.AddRange(cursor.Current.Select(d => d["_id"].AsInt32));
            next = received.Count == 0 ? cursor.MoveNextAsync(Ct) : next;
        }

        Assert.Equal([2], received);
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(25), $"the insert woke the getMore (took {waited.Elapsed})");
    }

    [Fact]
    public async Task A_tailable_await_cursor_answers_an_empty_batch_after_its_await_time_and_stays_open()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("tail"));
        await database.CreateCollectionAsync("log", new CreateCollectionOptions { Capped = true, MaxSize = 1 << 20 }, Ct);
        var collection = database.GetCollection<BsonDocument>("log");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        var options = new FindOptions<BsonDocument> { CursorType = CursorType.TailableAwait, MaxAwaitTime = TimeSpan.FromMilliseconds(100) };
        using var cursor = await collection.FindAsync(FilterDefinition<BsonDocument>.Empty, options, Ct);
        Assert.True(await cursor.MoveNextAsync(Ct));

        Assert.True(await cursor.MoveNextAsync(Ct));
        Assert.Empty(cursor.Current);
        await collection.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct);
        Assert.True(await cursor.MoveNextAsync(Ct));
        Assert.Equal([2], cursor.Current.Select(d => d["_id"].AsInt32));
    }

    private async Task<IMongoCollection<BsonDocument>> CollectionAsync(params BsonDocument[] documents)
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("findopts")).GetCollection<BsonDocument>("c");
        await collection.InsertManyAsync(documents, cancellationToken: Ct);
        return collection;
    }
}
