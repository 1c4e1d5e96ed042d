using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>
/// The administration commands tools and mongosh send, answered with the fields a 7.0 replica set member gives
/// (serverStatus, hostInfo, listCommands, getParameter, connectionStatus, replSetGetStatus, validate, explain).
/// </summary>
public class AdminCommandTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IMongoDatabase Admin => server.Client.GetDatabase("admin");

    [Fact]
    public async Task ServerStatus_reports_the_fields_monitoring_tools_read_and_counts_inserts()
    {
        var before = await Admin.RunCommandAsync<BsonDocument>(new BsonDocument("serverStatus", 1), cancellationToken: Ct);
        await (await CollectionAsync(3)).Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: Ct);
        var after = await Admin.RunCommandAsync<BsonDocument>(new BsonDocument("serverStatus", 1), cancellationToken: Ct);

        Assert.False(string.IsNullOrEmpty(after["host"].AsString));
        Assert.Matches(@"^\d+\.\d+\.\d+", after["version"].AsString);
        Assert.Equal("mongod", after["process"].AsString);
        Assert.Equal(BsonType.Int64, after["pid"].BsonType);
        Assert.True(after["uptime"].ToDouble() >= 0);
        Assert.Equal(BsonType.Int64, after["uptimeMillis"].BsonType);
        Assert.True(after["connections"]["current"].AsInt32 >= 1);
        Assert.True(after["connections"]["totalCreated"].ToInt64() >= after["connections"]["current"].AsInt32);
        Assert.True(after["opcounters"]["insert"].ToInt64() >= before["opcounters"]["insert"].ToInt64() + 3);
        Assert.True(after["opcounters"]["command"].ToInt64() > before["opcounters"]["command"].ToInt64());
        Assert.True(after["mem"]["resident"].ToInt64() > 0);
        Assert.False(string.IsNullOrEmpty(after["storageEngine"]["name"].AsString));
        Assert.True(after["repl"]["isWritablePrimary"].AsBoolean);
    }

    [Fact]
    public async Task HostInfo_describes_the_machine()
    {
        var reply = await Admin.RunCommandAsync<BsonDocument>(new BsonDocument("hostInfo", 1), cancellationToken: Ct);

        Assert.False(string.IsNullOrEmpty(reply["system"]["hostname"].AsString));
        Assert.True(reply["system"]["numCores"].ToInt32() > 0);
        Assert.True(reply["system"]["memSizeMB"].ToInt64() > 0);
        Assert.False(string.IsNullOrEmpty(reply["os"]["type"].AsString));
    }

    [Fact]
    public async Task ListCommands_lists_what_the_server_answers()
    {
        var reply = await Admin.RunCommandAsync<BsonDocument>(new BsonDocument("listCommands", 1), cancellationToken: Ct);

        var commands = reply["commands"].AsBsonDocument;
        Assert.All(new[] { "find", "insert", "aggregate", "serverStatus", "replSetGetStatus", "explain" }, name => Assert.True(commands.Contains(name), name));
        Assert.Equal(BsonType.String, commands["find"]["help"].BsonType);
    }

    [Fact]
    public async Task GetParameter_answers_the_feature_compatibility_version_alone_or_with_every_parameter()
    {
        var one = await Admin.RunCommandAsync<BsonDocument>(new BsonDocument { { "getParameter", 1 }, { "featureCompatibilityVersion", 1 } }, cancellationToken: Ct);
        var all = await Admin.RunCommandAsync<BsonDocument>(new BsonDocument("getParameter", "*"), cancellationToken: Ct);
        var unknown = await Assert.ThrowsAsync<MongoCommandException>(
            () => Admin.RunCommandAsync<BsonDocument>(new BsonDocument { { "getParameter", 1 }, { "noSuchParameterAtAll", 1 } }, cancellationToken: Ct));

        Assert.Matches(@"^\d+\.\d+$", one["featureCompatibilityVersion"]["version"].AsString);
        Assert.Equal(one["featureCompatibilityVersion"], all["featureCompatibilityVersion"]);
        Assert.Equal(72, unknown.Code);
        Assert.Contains("no option found to get", unknown.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionStatus_shows_no_authenticated_user_on_a_server_without_authentication()
    {
        var reply = await Admin.RunCommandAsync<BsonDocument>(new BsonDocument("connectionStatus", 1), cancellationToken: Ct);

        Assert.Empty(reply["authInfo"]["authenticatedUsers"].AsBsonArray);
        Assert.Equal(BsonType.Array, reply["authInfo"]["authenticatedUserRoles"].BsonType);
    }

    [Fact]
    public async Task ReplSetGetStatus_shows_one_primary_member_and_its_optimes()
    {
        var reply = await Admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetGetStatus", 1), cancellationToken: Ct);

        Assert.Equal(1, reply["myState"].AsInt32);
        Assert.Equal(BsonType.Timestamp, reply["optimes"]["appliedOpTime"]["ts"].BsonType);
        Assert.Equal(BsonType.DateTime, reply["date"].BsonType);
        var primary = Assert.Single(reply["members"].AsBsonArray.Select(m => m.AsBsonDocument), m => m["stateStr"] == "PRIMARY");
        Assert.Equal(1, primary["state"].AsInt32);
        Assert.True(primary["self"].AsBoolean);
        Assert.Equal(BsonType.Timestamp, primary["optime"]["ts"].BsonType);
    }

    [Fact]
    public async Task Validate_checks_a_collection_and_refuses_a_missing_one()
    {
        var collection = await CollectionAsync(3);

        var reply = await collection.Database.RunCommandAsync<BsonDocument>(new BsonDocument("validate", "c"), cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<MongoCommandException>(
            () => collection.Database.RunCommandAsync<BsonDocument>(new BsonDocument("validate", "nothing_here"), cancellationToken: Ct));

        Assert.True(reply["valid"].AsBoolean);
        Assert.Equal(3, reply["nrecords"].ToInt32());
        Assert.Equal(1, reply["nIndexes"].ToInt32());
        Assert.Empty(reply["errors"].AsBsonArray);
        Assert.Equal(26, missing.Code);
    }

    [Fact]
    public async Task Explain_of_a_find_shows_a_query_planner_and_execution_stats()
    {
        var collection = await CollectionAsync(4);

        var scan = await Explain(collection, new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("even", true) } });
        var byId = await Explain(collection, new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", 2) } });

        Assert.Equal(collection.CollectionNamespace.FullName, scan["queryPlanner"]["namespace"].AsString);
        Assert.Equal("COLLSCAN", scan["queryPlanner"]["winningPlan"]["stage"].AsString);
        Assert.Equal(2, scan["executionStats"]["nReturned"].ToInt32());
        Assert.Equal(4, scan["executionStats"]["totalDocsExamined"].ToInt32());
        Assert.Contains("IDHACK", byId["queryPlanner"]["winningPlan"]["stage"].AsString, StringComparison.Ordinal);
        Assert.Equal(1, byId["executionStats"]["nReturned"].ToInt32());
    }

    [Fact]
    public async Task The_oplog_is_readable_by_timestamp_and_reports_its_window()
    {
        var local = server.Client.GetDatabase("local");
        var oplog = local.GetCollection<BsonDocument>("oplog.rs");
        // A server no test has written to yet has an empty oplog: every entry is then newer than Timestamp(0, 0).
        var newest = await oplog.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("$natural", -1)).Limit(1).FirstOrDefaultAsync(Ct);
        var collection = await CollectionAsync(2);

        var entries = await oplog.Find(new BsonDocument { { "ts", new BsonDocument("$gt", newest?["ts"] ?? new BsonTimestamp(0)) }, { "ns", collection.CollectionNamespace.FullName } }).ToListAsync(Ct);
        var stats = await local.RunCommandAsync<BsonDocument>(new BsonDocument("collStats", "oplog.rs"), cancellationToken: Ct);

        Assert.Equal(["i", "i"], entries.Select(e => e["op"].AsString));
        Assert.Equal([0, 1], entries.Select(e => e["o"]["_id"].AsInt32));
        Assert.All(entries, e => Assert.Equal(BsonType.Timestamp, e["ts"].BsonType));
        Assert.True(stats["capped"].AsBoolean);
        Assert.True(stats["maxSize"].ToInt64() > 0);
    }

    private static Task<BsonDocument> Explain(IMongoCollection<BsonDocument> collection, BsonDocument command) =>
        collection.Database.RunCommandAsync<BsonDocument>(new BsonDocument { { "explain", command }, { "verbosity", "executionStats" } }, cancellationToken: Ct);

    private async Task<IMongoCollection<BsonDocument>> CollectionAsync(int count)
    {
        var collection = server.Client.GetDatabase(server.NewDatabaseName("admin")).GetCollection<BsonDocument>("c");
        await collection.InsertManyAsync(Enumerable.Range(0, count).Select(i => new BsonDocument { { "_id", i }, { "even", i % 2 == 0 } }), cancellationToken: Ct);
        return collection;
    }
}
