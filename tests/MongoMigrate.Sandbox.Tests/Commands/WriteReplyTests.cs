using MongoDB.Bson;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>
/// The counts in write replies have the types mongod 7.0 sends (int32, as its write_ops reply and appendNumber
/// give them): mongosh shows a Long for an int64 and its bulkWrite summary went wrong ("deletedCount: '01'").
/// </summary>
public class WriteReplyTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Insert_update_delete_find_and_modify_and_count_answer_their_counts_as_int32()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("replies"));

        var insert = await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "insert", "c" }, { "documents", new BsonArray { new BsonDocument { { "_id", 1 }, { "v", 1 } }, new BsonDocument { { "_id", 2 }, { "v", 2 } } } } },
            cancellationToken: Ct);
        var update = await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "update", "c" }, { "updates", new BsonArray { new BsonDocument { { "q", new BsonDocument() }, { "u", new BsonDocument("$inc", new BsonDocument("v", 1)) }, { "multi", true } } } } },
            cancellationToken: Ct);
        var upsert = await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "update", "c" }, { "updates", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", 3) }, { "u", new BsonDocument("$set", new BsonDocument("v", 3)) }, { "upsert", true } } } } },
            cancellationToken: Ct);
        var findAndModify = await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "findAndModify", "c" }, { "query", new BsonDocument("_id", 1) }, { "update", new BsonDocument("$set", new BsonDocument("w", 1)) } },
            cancellationToken: Ct);
        var count = await database.RunCommandAsync<BsonDocument>(new BsonDocument { { "count", "c" }, { "query", new BsonDocument("v", new BsonDocument("$gte", 0)) } }, cancellationToken: Ct);
        var countAll = await database.RunCommandAsync<BsonDocument>(new BsonDocument("count", "c"), cancellationToken: Ct);
        var delete = await database.RunCommandAsync<BsonDocument>(
            new BsonDocument { { "delete", "c" }, { "deletes", new BsonArray { new BsonDocument { { "q", new BsonDocument() }, { "limit", 0 } } } } },
            cancellationToken: Ct);

        AssertInt32(2, insert["n"]);
        AssertInt32(2, update["n"]);
        AssertInt32(2, update["nModified"]);
        AssertInt32(1, upsert["n"]);
        AssertInt32(0, upsert["nModified"]);
        AssertInt32(1, findAndModify["lastErrorObject"]["n"]);
        AssertInt32(3, count["n"]);
        AssertInt32(3, countAll["n"]);
        AssertInt32(3, delete["n"]);
    }

    private static void AssertInt32(int expected, BsonValue value)
    {
        Assert.Equal(BsonType.Int32, value.BsonType);
        Assert.Equal(expected, value.AsInt32);
    }
}
