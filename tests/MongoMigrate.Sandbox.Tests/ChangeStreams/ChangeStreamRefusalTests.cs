using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.ChangeStreams;

/// <summary>Change streams mongod 7.0 refuses to open, refused with its codes.</summary>
public class ChangeStreamRefusalTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, int> Refused() => new()
    {
        // description, the aggregate's pipeline as JSON, mongod's code
        { "$changeStream after another stage", "[{$match: {}}, {$changeStream: {}}]", 40602 },
        { "an unknown $changeStream option", "[{$changeStream: {resumeFrom: 1}}]", 40415 },
        { "two resume options", "[{$changeStream: {startAtOperationTime: Timestamp(1, 1), startAfter: {_data: '82'}}}]", 40674 },
        { "$changeStreamSplitLargeEvent before the last stage", "[{$changeStream: {}}, {$changeStreamSplitLargeEvent: {}}, {$match: {}}]", 7182802 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_malformed_change_stream_is_refused_with_the_servers_code(string description, string pipeline, int code)
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("refused"));
        await database.CreateCollectionAsync("c", cancellationToken: Ct);
        var command = new BsonDocument { { "aggregate", "c" }, { "pipeline", BsonSerializerArray(pipeline) }, { "cursor", new BsonDocument() } };

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => database.RunCommandAsync<BsonDocument>(command, cancellationToken: Ct));
        Assert.True(error.Code == code, $"{description}: expected {code}, got {error.Code} ({error.Message})");
    }

    [Fact]
    public async Task Internal_databases_and_system_collections_cannot_be_watched()
    {
        // mongod: InvalidNamespace (73), "$changeStream may not be opened on the internal ... database/collection".
        var admin = await Assert.ThrowsAsync<MongoCommandException>(() => server.Client.GetDatabase("admin").WatchAsync(cancellationToken: Ct));
        Assert.Equal(73, admin.Code);
        var local = await Assert.ThrowsAsync<MongoCommandException>(() => server.Client.GetDatabase("local").GetCollection<BsonDocument>("oplog.rs").WatchAsync(cancellationToken: Ct));
        Assert.Equal(73, local.Code);
        var system = await Assert.ThrowsAsync<MongoCommandException>(() =>
            server.Client.GetDatabase(server.NewDatabaseName("sys")).GetCollection<BsonDocument>("system.views").WatchAsync(cancellationToken: Ct));
        Assert.Equal(73, system.Code);
    }

    [Fact]
    public async Task A_view_cannot_be_watched()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("view"));
        await database.CreateCollectionAsync("c", cancellationToken: Ct);
        await database.CreateViewAsync<BsonDocument, BsonDocument>("v", "c", PipelineDefinition<BsonDocument, BsonDocument>.Create(Array.Empty<BsonDocument>()), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => database.GetCollection<BsonDocument>("v").WatchAsync(cancellationToken: Ct));
        Assert.Equal(166, error.Code);
    }

    private static BsonArray BsonSerializerArray(string json) =>
        MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonArray>(json);
}
