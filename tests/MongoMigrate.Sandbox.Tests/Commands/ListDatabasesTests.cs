using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Commands;

/// <summary>listDatabases as a MongoDB 7.0 replica set member answers it (what mongosh's `show dbs` prints).</summary>
public class ListDatabasesTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_config_and_local_are_listed_and_not_empty_with_int64_sizes()
    {
        var reply = await ListAsync(new BsonDocument("listDatabases", 1));

        var databases = reply["databases"].AsBsonArray.Select(d => d.AsBsonDocument).ToList();
        var system = databases.Where(d => d["name"].AsString is "admin" or "config" or "local").ToList();
        Assert.Equal(["admin", "config", "local"], system.Select(d => d["name"].AsString));
        Assert.All(system, d => Assert.False(d["empty"].AsBoolean));
        Assert.All(databases, d => Assert.Equal(BsonType.Int64, d["sizeOnDisk"].BsonType));
        Assert.Equal(BsonType.Int64, reply["totalSize"].BsonType);
        Assert.Equal(BsonType.Int64, reply["totalSizeMb"].BsonType);
    }

    [Fact]
    public async Task Local_holds_the_oplog_so_it_has_a_size_once_something_was_written()
    {
        var name = server.NewDatabaseName("listdb");
        await server.Client.GetDatabase(name).GetCollection<BsonDocument>("c").InsertOneAsync(new BsonDocument("x", 1), cancellationToken: Ct);

        var reply = await ListAsync(new BsonDocument("listDatabases", 1));

        var local = reply["databases"].AsBsonArray.Single(d => d["name"] == "local");
        Assert.True(local["sizeOnDisk"].AsInt64 > 0, $"local.sizeOnDisk = {local["sizeOnDisk"]}");
        Assert.Contains(reply["databases"].AsBsonArray, d => d["name"] == name);
    }

    [Fact]
    public async Task A_filter_and_name_only_narrow_the_list()
    {
        var reply = await ListAsync(new BsonDocument
        {
            { "listDatabases", 1 },
            { "nameOnly", true },
            { "filter", new BsonDocument("name", new BsonDocument("$in", new BsonArray { "config", "local" })) },
        });

        Assert.Equal([new BsonDocument("name", "config"), new BsonDocument("name", "local")], reply["databases"].AsBsonArray.Select(d => d.AsBsonDocument));
        Assert.False(reply.Contains("totalSize"));
    }

    [Fact]
    public async Task The_driver_lists_the_system_databases_by_name()
    {
        var names = await (await server.Client.ListDatabaseNamesAsync(Ct)).ToListAsync(Ct);

        Assert.Subset(names.ToHashSet(), new HashSet<string> { "admin", "config", "local" });
    }

    private Task<BsonDocument> ListAsync(BsonDocument command) =>
        server.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(command, cancellationToken: Ct);
}
