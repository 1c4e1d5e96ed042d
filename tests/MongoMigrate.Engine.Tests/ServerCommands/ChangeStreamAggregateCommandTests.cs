using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Tests.ServerCommands;

public class ChangeStreamAggregateCommandTests
{
    [Fact]
    public void A_cluster_stream_started_at_a_time_carries_that_time_and_the_match_stage()
    {
        var match = new BsonBuilder().StartDocument().String("ns.db", "app").End().ToDocument();

        var command = ChangeStreamAggregateCommand.Build(allChangesForCluster: true, resumeAfter: null, startAtOperationTime: (7UL << 32) | 3, showExpandedEvents: true, match, batchSize: 50);

        var stream = command["pipeline"].AsDocument["0"].AsDocument["$changeStream"].AsDocument;
        Assert.True(stream["allChangesForCluster"].AsBoolean);
        Assert.Equal((7UL << 32) | 3, stream["startAtOperationTime"].AsTimestamp);
        Assert.True(stream["showExpandedEvents"].AsBoolean);
        Assert.False(stream.TryGetValue("resumeAfter", out _));
        Assert.Equal("app", command["pipeline"].AsDocument["1"].AsDocument["$match"].AsDocument["ns.db"].AsString);
        Assert.Equal(50, command["cursor"].AsDocument["batchSize"].AsInt32);
    }

    [Fact]
    public void A_database_stream_resumed_after_a_token_names_no_time()
    {
        var token = new BsonBuilder().StartDocument().String("_data", "8263").End().ToDocument();
        var scope = new ChangeStreamScope([NamespaceName.Parse("app.orders"), NamespaceName.Parse("app.users")]);

        var command = scope.OpenCommand(CapturePosition.AfterToken(token), batchSize: 10, showExpandedEvents: false);

        var stream = command["pipeline"].AsDocument["0"].AsDocument["$changeStream"].AsDocument;
        Assert.False(stream.TryGetValue("allChangesForCluster", out _));
        Assert.False(stream.TryGetValue("startAtOperationTime", out _));
        Assert.Equal("8263", stream["resumeAfter"].AsDocument["_data"].AsString);
        var clauses = command["pipeline"].AsDocument["1"].AsDocument["$match"].AsDocument["$or"].AsDocument;
        Assert.Equal("app", clauses["0"].AsDocument["ns.db"].AsString);
        Assert.Equal("dropDatabase", clauses["2"].AsDocument["operationType"].AsString);
    }
}
