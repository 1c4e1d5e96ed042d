using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests;

public class SandboxServerTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_driver_connects_with_a_replica_set_uri_and_pings()
    {
        var result = await server.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);
        Assert.Equal(1.0, result["ok"].ToDouble());
    }

    [Fact]
    public async Task The_driver_connects_with_a_plain_uri_too()
    {
        var sandbox = server.RequireSandbox();
        using var client = new MongoClient($"mongodb://{sandbox.Address}");
        var result = await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1), cancellationToken: Ct);
        Assert.Equal("7.0.0", result["version"].AsString);
    }

    [Fact]
    public async Task A_standalone_sandbox_answers_a_direct_connection()
    {
        await using var standalone = await SandboxServer.StartAsync(new SandboxOptions { ReplicaSetName = null }, Ct);
        using var client = new MongoClient(standalone.ConnectionString);
        var collection = client.GetDatabase("db").GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        Assert.Equal(1, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task Inserted_documents_come_back_through_a_cursor_of_many_batches()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("batches")).GetCollection<BsonDocument>("docs");
        var documents = Enumerable.Range(0, 2500).Select(i => new BsonDocument { { "_id", i }, { "payload", new string('x', i % 50) } }).ToList();
        await collection.InsertManyAsync(documents, cancellationToken: Ct);

        var options = new FindOptions<BsonDocument> { BatchSize = 97 };
        using var cursor = await collection.FindAsync(FilterDefinition<BsonDocument>.Empty, options, Ct);
        var seen = new List<int>();
        var batches = 0;
        while (await cursor.MoveNextAsync(Ct))
        {
            batches++;
            seen.AddRange(cursor.Current.Select(d => d["_id"].AsInt32));
        }

        Assert.Equal(Enumerable.Range(0, 2500), seen.Order());
        Assert.True(batches >= 2500 / 97, $"only {batches} batches");
    }

    [Fact]
    public async Task Ordered_inserts_stop_at_the_first_duplicate_key()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("ordered")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct);
        var batch = new[] { 1, 2, 3 }.Select(i => new BsonDocument("_id", i));

        var error = await Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() => collection.InsertManyAsync(batch, new InsertManyOptions { IsOrdered = true }, Ct));

        var writeError = Assert.Single(error.WriteErrors);
        Assert.Equal(1, writeError.Index);
        Assert.Equal(11000, writeError.Code);
        Assert.Equal(ServerErrorCategory.DuplicateKey, writeError.Category);
        Assert.Equal(2, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task Unordered_inserts_skip_duplicates_and_write_the_rest()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("unordered")).GetCollection<BsonDocument>("c");
        await collection.InsertManyAsync([new BsonDocument("_id", 2), new BsonDocument("_id", 4)], cancellationToken: Ct);
        var batch = Enumerable.Range(1, 5).Select(i => new BsonDocument("_id", i));

        var error = await Assert.ThrowsAsync<MongoBulkWriteException<BsonDocument>>(() => collection.InsertManyAsync(batch, new InsertManyOptions { IsOrdered = false }, Ct));

        Assert.Equal([1, 3], error.WriteErrors.Select(e => e.Index));
        Assert.All(error.WriteErrors, e => Assert.Equal(11000, e.Code));
        Assert.Contains("dup key: { _id: 2 }", error.WriteErrors[0].Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Result.InsertedCount);
        Assert.Equal(5, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task Sixteen_clients_inserting_at_once_lose_nothing()
    {
        var database = server.NewDatabaseName("parallel");
        var tasks = Enumerable.Range(0, 16).Select(async client =>
        {
            using var own = new MongoClient(server.ConnectionString);
            var collection = own.GetDatabase(database).GetCollection<BsonDocument>("c");
            for (var batch = 0; batch < 10; batch++)
            {
                var docs = Enumerable.Range(0, 100).Select(i => new BsonDocument { { "_id", $"{client}-{batch}-{i}" }, { "n", i } });
                await collection.InsertManyAsync(docs, new InsertManyOptions { IsOrdered = false }, Ct);
            }
        });
        await Task.WhenAll(tasks);

        var count = await server.Client.GetDatabase(database).GetCollection<BsonDocument>("c")
            .CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct);
        Assert.Equal(16 * 10 * 100, count);
    }
}
