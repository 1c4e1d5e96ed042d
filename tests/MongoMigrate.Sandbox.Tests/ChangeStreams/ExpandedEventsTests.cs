using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.ChangeStreams;

/// <summary>showExpandedEvents (6.0+) DDL events and the shape of update descriptions, as a 7.0 replica set reports them.</summary>
public class ExpandedEventsTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ChangeStreamOptions Expanded = new() { ShowExpandedEvents = true, MaxAwaitTime = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task A_database_stream_with_expanded_events_reports_each_ddl_change_and_drop_database_drops_each_collection_first()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("ddl"));
        using var stream = await database.WatchAsync(ChangeStreamEvents.Raw(), Expanded, Ct);

        await database.CreateCollectionAsync("c", cancellationToken: Ct);
        var collection = database.GetCollection<BsonDocument>("c");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("x", 1), new CreateIndexOptions { Name = "x_1" }), cancellationToken: Ct);
        await collection.Indexes.DropOneAsync("x_1", Ct);
        await database.RunCommandAsync<BsonDocument>(new BsonDocument { { "collMod", "c" }, { "changeStreamPreAndPostImages", new BsonDocument("enabled", true) } }, cancellationToken: Ct);
        await database.RenameCollectionAsync("c", "d", cancellationToken: Ct);
        await server.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName, Ct);

        var events = await ChangeStreamEvents.TakeAsync(stream, 8, Ct);
        Assert.Equal(
            ["create", "createIndexes", "dropIndexes", "modify", "rename", "drop", "dropDatabase", "invalidate"],
            events.Select(e => e["operationType"].AsString));
        Assert.Equal("_id_", events[0]["operationDescription"]["idIndex"]["name"].AsString);
        Assert.Equal(new BsonDocument("x", 1), events[1]["operationDescription"]["indexes"][0]["key"]);
        Assert.Equal("x_1", events[2]["operationDescription"]["indexes"][0]["name"].AsString);
        Assert.True(events[3]["operationDescription"]["changeStreamPreAndPostImages"]["enabled"].AsBoolean);
        Assert.Equal(new BsonDocument { { "db", database.DatabaseNamespace.DatabaseName }, { "coll", "d" } }, events[4]["operationDescription"]["to"]);
        Assert.Equal(events[4]["to"], events[4]["operationDescription"]["to"]);
        Assert.All(events.Take(6), e => Assert.Equal(BsonType.Binary, e["collectionUUID"].BsonType));
        Assert.Equal(new BsonDocument("db", database.DatabaseNamespace.DatabaseName), events[6]["ns"]);
    }

    [Fact]
    public async Task Without_expanded_events_a_stream_sees_drop_and_rename_but_not_create_or_index_changes()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("plain"));
        using var stream = await database.WatchAsync(ChangeStreamEvents.Raw(), new ChangeStreamOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(200) }, Ct);

        await database.CreateCollectionAsync("c", cancellationToken: Ct);
        var collection = database.GetCollection<BsonDocument>("c");
        await collection.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(new BsonDocument("x", 1)), cancellationToken: Ct);
        await collection.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        await database.RenameCollectionAsync("c", "d", cancellationToken: Ct);
        await database.DropCollectionAsync("d", Ct);

        var events = await ChangeStreamEvents.TakeAsync(stream, 3, Ct);
        Assert.Equal(["insert", "rename", "drop"], events.Select(e => e["operationType"].AsString));
        Assert.All(events, e => Assert.False(e.Contains("collectionUUID") || e.Contains("operationDescription")));
    }

    [Fact]
    public async Task A_database_stream_sees_a_collection_renamed_into_its_database_from_another_one()
    {
        // mongod's stream filter matches a rename's "to" against the watched namespaces as well as its "ns".
        var watched = server.Client.GetDatabase(server.NewDatabaseName("into"));
        var elsewhere = server.Client.GetDatabase(server.NewDatabaseName("from"));
        await elsewhere.GetCollection<BsonDocument>("x").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        using var stream = await watched.WatchAsync(ChangeStreamEvents.Raw(), Expanded, Ct);

        await server.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument { { "renameCollection", $"{elsewhere.DatabaseNamespace.DatabaseName}.x" }, { "to", $"{watched.DatabaseNamespace.DatabaseName}.y" } },
            cancellationToken: Ct);
        await watched.GetCollection<BsonDocument>("y").InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Ct);

        var events = await ChangeStreamEvents.TakeAsync(stream, 2, Ct);
        Assert.Equal(["rename", "insert"], events.Select(e => e["operationType"].AsString));
        Assert.Equal(new BsonDocument { { "db", elsewhere.DatabaseNamespace.DatabaseName }, { "coll", "x" } }, events[0]["ns"]);
        Assert.Equal(new BsonDocument { { "db", watched.DatabaseNamespace.DatabaseName }, { "coll", "y" } }, events[0]["to"]);
    }

    [Fact]
    public async Task Update_descriptions_name_nested_changes_by_dotted_path_with_truncated_arrays_and_disambiguated_paths()
    {
        // A pipeline update's delta (5.0+, computed as mongod's doc_diff does): dotted paths into large
        // sub-documents, truncatedArrays {field, newSize}; 6.1+ expanded events add disambiguatedPaths
        // for a path through a numeric field name. The padding keeps each delta smaller than the values.
        var collection = server.Client.GetDatabase(server.NewDatabaseName("delta")).GetCollection<BsonDocument>("c");
        var pad = new string('p', 200);
        await collection.InsertOneAsync(
            new BsonDocument
            {
                { "_id", 1 },
                { "a", new BsonDocument { { "b", 1 }, { "pad", pad } } },
                { "arr", new BsonArray { pad + "1", pad + "2", pad + "3", pad + "4" } },
                { "m", new BsonDocument("7", new BsonDocument { { "x", 1 }, { "pad", pad } }) },
                { "gone", true },
            },
            cancellationToken: Ct);
        using var stream = await collection.WatchAsync(ChangeStreamEvents.Raw(), Expanded, Ct);

        var pipeline = new BsonDocument[]
        {
            new("$set", new BsonDocument { { "a.b", 2 }, { "m.7.x", 2 }, { "arr", new BsonArray { pad + "1", pad + "2" } } }),
            BsonDocument.Parse("{$unset: 'gone'}"),
        };
        await collection.UpdateOneAsync(new BsonDocument("_id", 1), Builders<BsonDocument>.Update.Pipeline(pipeline), cancellationToken: Ct);

        var description = (await ChangeStreamEvents.TakeAsync(stream, 1, Ct))[0]["updateDescription"].AsBsonDocument;
        Assert.Equal(BsonDocument.Parse("{'a.b': 2, 'm.7.x': 2}"), description["updatedFields"]);
        Assert.Equal(new BsonArray { "gone" }, description["removedFields"]);
        Assert.Equal(new BsonArray { BsonDocument.Parse("{field: 'arr', newSize: 2}") }, description["truncatedArrays"]);
        Assert.Equal(BsonDocument.Parse("{'m.7.x': ['m', '7', 'x']}"), description["disambiguatedPaths"]);
    }
}
