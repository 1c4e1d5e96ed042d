using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>
/// A write the client aborts is never applied. MongoDB runs the transaction and rolls it back; the sandbox has no
/// transactions and refuses their first command (IllegalOperation, 20), so nothing is written either way.
/// </summary>
public class TransactionTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_write_in_an_aborted_transaction_is_never_applied()
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("txn")).GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 0), cancellationToken: Ct);
        using var session = await server.Client.StartSessionAsync(cancellationToken: Ct);

        session.StartTransaction();
        var refused = await Record.ExceptionAsync(() => collection.InsertOneAsync(session, new BsonDocument("_id", 1), cancellationToken: Ct));
        await session.AbortTransactionAsync(Ct);

        if (server.IsSandbox)
        {
            var error = Assert.IsType<MongoCommandException>(refused);
            Assert.Equal(20, error.Code);
            Assert.Contains("Transactions are not supported by the sandbox", error.Message, StringComparison.Ordinal);
            Assert.False(error.HasErrorLabel("TransientTransactionError"));
        }
        else
        {
            Assert.Null(refused);
        }

        Assert.Equal([0], (await collection.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Ct)).Select(d => d["_id"].AsInt32));
    }

    [Fact]
    public async Task A_callback_transaction_fails_at_once_instead_of_retrying_for_two_minutes()
    {
        if (!server.IsSandbox)
        {
            Assert.Skip("A real replica set runs the transaction; this checks the sandbox's refusal.");
        }

        var collection = server.Client.GetDatabase(server.NewDatabaseName("txn")).GetCollection<BsonDocument>("c");
        using var session = await server.Client.StartSessionAsync(cancellationToken: Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => session.WithTransactionAsync(
            async (s, token) =>
            {
                await collection.InsertOneAsync(s, new BsonDocument("_id", 1), cancellationToken: token);
                return true;
            },
            cancellationToken: deadline.Token));

        Assert.Equal(20, error.Code);
        Assert.Equal(0, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }
}
