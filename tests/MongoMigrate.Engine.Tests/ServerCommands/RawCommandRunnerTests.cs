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

    [Fact]
    public async Task A_command_in_the_middle_of_a_larger_buffer_is_sent_as_it_is()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("slice")));
        var document = new BsonBuilder().StartDocument().Int32("_id", 7).Double("negativeZero", -0.0).End().ToDocument();
        var insert = new BsonBuilder().StartDocument().String("insert", "c").StartArray("documents").Document("0", document).End().End().ToArray();
        var buffer = new byte[insert.Length + 64];
        Array.Fill(buffer, (byte)0xEE);
        insert.CopyTo(buffer, 32);

        var reply = await runner.RunAsync(new RawDocument(buffer.AsMemory(32, insert.Length)), Ct);

        Assert.Equal(1, reply["n"].AsInt32);
        var cursor = await RawCursor.OpenAsync(runner, new BsonBuilder().StartDocument().String("find", "c").End().ToDocument(), null, Ct);
        var stored = Assert.Single(await cursor.ToListAsync(Ct));
        Assert.Equal(Convert.ToHexString(document.Span), Convert.ToHexString(stored.Span));
    }

    [Fact]
    public async Task Pooled_batches_bigger_than_the_drivers_buffers_hold_exactly_the_stored_documents()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("pooled")));
        var random = new Random(5);
        var documents = Enumerable.Range(0, 3000).Select(i => new BsonBuilder().StartDocument()
            .Int32("_id", i)
            .Double("negativeZero", -0.0)
            .Binary("noise", 0, Enumerable.Range(0, 1500).Select(_ => (byte)random.Next(256)).ToArray())
            .End().ToDocument()).ToList();
        for (var start = 0; start < documents.Count; start += 1000)
        {
            var insert = new BsonBuilder().StartDocument().String("insert", "c").StartArray("documents");
            for (var i = 0; i < 1000; i++)
            {
                insert.Document(BsonBuilder.Index(i), documents[start + i]);
            }

            await runner.RunAsync(insert.End().End().ToDocument(), Ct);
        }

        // 2000 documents of 1.5 KB make a 3 MB reply: more than one of the driver's 1 MiB chunks.
        var find = new BsonBuilder().StartDocument().String("find", "c").Int32("batchSize", 2000).End().ToDocument();
        var cursor = await RawCursor.OpenPooledAsync(runner, find, 2000, Ct);
        var read = new List<string>();
        var batches = 0;
        while (await cursor.NextRawBatchAsync(Ct) is { } batch)
        {
            using (batch)
            {
                batches++;
                Assert.Equal(batch.Sum(d => (long)d.Length), batch.Bytes);
                read.AddRange(batch.Select(d => Convert.ToHexString(d.Span)));
            }
        }

        Assert.Equal(2, batches);
        Assert.Equal(documents.Select(d => Convert.ToHexString(d.Span)), read);
    }
}
