using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Storage;

/// <summary>setUserWriteBlockMode, getClusterParameter and appendOplogNote, as a migration's cutover uses them on its source.</summary>
public class UserWriteBlockTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task While_user_writes_are_blocked_writes_and_ddl_fail_with_UserWritesBlocked_and_reads_still_work()
    {
        // mongod 7.0 refuses with UserWritesBlocked (371); without authentication every client may bypass
        // the block, so against a real server this needs one with authentication.
        if (!server.IsSandbox && server.Client.Settings.Credential is null)
        {
            Assert.Skip("A real server without authentication lets every client bypass write blocking (AuthorizationSession.mayBypassWriteBlockingMode).");
        }

        var admin = server.Client.GetDatabase("admin");
        var database = server.Client.GetDatabase(server.NewDatabaseName("blocked"));
        var collection = database.GetCollection<BsonDocument>("c");
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        await admin.RunCommandAsync<BsonDocument>(new BsonDocument { { "setUserWriteBlockMode", 1 }, { "global", true } }, cancellationToken: Ct);
        try
        {
            var write = await Assert.ThrowsAsync<MongoWriteException>(() => collection.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct));
            Assert.Equal(371, write.WriteError.Code);
            var ddl = await Assert.ThrowsAsync<MongoCommandException>(() => database.CreateCollectionAsync("d", cancellationToken: Ct));
            Assert.Equal(371, ddl.Code);
            Assert.Equal(1, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
        }
        finally
        {
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument { { "setUserWriteBlockMode", 1 }, { "global", false } }, cancellationToken: CancellationToken.None);
        }

        await collection.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct);
        Assert.Equal(2, await collection.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task Get_cluster_parameter_reports_change_stream_options()
    {
        var reply = await server.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("getClusterParameter", "changeStreamOptions"), cancellationToken: Ct);

        var parameter = reply["clusterParameters"].AsBsonArray.Single().AsBsonDocument;
        Assert.Equal("changeStreamOptions", parameter["_id"].AsString);
        Assert.True(parameter.Contains("preAndPostImages"));
    }

    [Fact]
    public async Task Append_oplog_note_moves_the_cluster_time_on()
    {
        var admin = server.Client.GetDatabase("admin");
        using var session = await server.Client.StartSessionAsync(cancellationToken: Ct);
        var before = await admin.RunCommandAsync<BsonDocument>(session, new BsonDocument("ping", 1), cancellationToken: Ct);
        var note = await admin.RunCommandAsync<BsonDocument>(
            session, new BsonDocument { { "appendOplogNote", 1 }, { "data", new BsonDocument("msg", "cutover") } }, cancellationToken: Ct);

        Assert.True(note["operationTime"].AsBsonTimestamp.CompareTo(before["operationTime"].AsBsonTimestamp) > 0);
    }
}
