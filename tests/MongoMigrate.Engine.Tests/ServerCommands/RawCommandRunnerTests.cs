using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.ServerCommands;

public class RawCommandRunnerTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Documents_the_driver_would_change_travel_both_ways_byte_for_byte()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("raw"));
        var runner = new RawCommandRunner(database);
        var documents = new[]
        {
            new BsonBuilder().StartDocument().Int32("_id", 1).Double("negativeZero", -0.0).End().ToDocument(),
            new BsonBuilder().StartDocument().Int32("_id", 2).DateTime("farFuture", 253402300800000 + 86_400_000).End().ToDocument(),
            new BsonBuilder().StartDocument().Int32("_id", 3).Binary("old", 2, [3, 0, 0, 0, 7, 8, 9]).End().ToDocument(),
            new BsonBuilder().StartDocument().ObjectId("_id", ObjectId.Empty).String("zero", "id").End().ToDocument(),
        };
        var insert = new BsonBuilder().StartDocument().String("insert", "c").StartArray("documents");
        for (var i = 0; i < documents.Length; i++)
        {
            insert.Document(BsonBuilder.Index(i), documents[i]);
        }

        var reply = await runner.RunAsync(insert.End().Boolean("ordered", true).End().ToDocument(), Ct);
        Assert.Equal(4, reply["n"].AsInt32);

        var find = new BsonBuilder().StartDocument().String("find", "c").Int32("batchSize", 2).End().ToDocument();
        var cursor = await RawCursor.OpenAsync(runner, find, getMoreBatchSize: 2, Ct);
        var stored = await cursor.ToListAsync(Ct);

        Assert.Equal(documents.Select(d => Convert.ToHexString(d.Span)).Order(), stored.Select(d => Convert.ToHexString(d.Span)).Order());
    }

    [Fact]
    public async Task A_failing_command_raises_the_drivers_command_exception()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("fail")));
        var command = new BsonBuilder().StartDocument().String("listIndexes", "missing").End().ToDocument();
        var error = await Assert.ThrowsAsync<MongoCommandException>(() => runner.RunAsync(command, Ct));
        Assert.Equal(26, error.Code);
    }
}
