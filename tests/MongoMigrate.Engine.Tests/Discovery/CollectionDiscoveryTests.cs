using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Discovery;

/// <summary>What a job finds on its source: the selected collections with their options, indexes and sizes, and what it leaves out.</summary>
public class CollectionDiscoveryTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_selected_collection_comes_with_its_options_indexes_uuid_and_size()
    {
        var database = server.Client.GetDatabase(server.NewDatabaseName("found"));
        await database.CreateCollectionAsync("capped", new CreateCollectionOptions { Capped = true, MaxSize = 1024 * 1024 }, Ct);
        var orders = database.GetCollection<BsonDocument>("orders");
        await orders.InsertManyAsync(Enumerable.Range(0, 25).Select(i => new BsonDocument { { "_id", i }, { "pad", new string('x', 100) } }), cancellationToken: Ct);
        await orders.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{pad: 1}", new CreateIndexOptions { Name = "pad_1" }), cancellationToken: Ct);

        var result = await Discover(new NamespaceSelection([$"{database.DatabaseNamespace.DatabaseName}.*"], [], []));

        Assert.Equal(["capped", "orders"], result.Collections.Select(c => c.Namespace.Collection).Order(StringComparer.Ordinal));
        var found = result.Collections.Single(c => c.Namespace.Collection == "orders");
        Assert.Equal(["_id_", "pad_1"], found.Indexes.Select(i => i["name"].AsString).Order(StringComparer.Ordinal));
        Assert.Equal(25, found.EstimatedCount);
        Assert.InRange(found.EstimatedBytes, 25 * 100, 25 * 200);
        Assert.False(found.IsCapped);
        Assert.NotNull(found.Uuid);
        Assert.True(result.Collections.Single(c => c.Namespace.Collection == "capped").IsCapped);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public async Task Views_and_system_collections_are_left_out_with_their_reason_and_unselected_ones_are_not_mentioned()
    {
        var name = server.NewDatabaseName("skipped");
        var database = server.Client.GetDatabase(name);
        await database.GetCollection<BsonDocument>("kept").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        await database.GetCollection<BsonDocument>("other").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        await database.GetCollection<BsonDocument>("system.js").InsertOneAsync(new BsonDocument { { "_id", "f" }, { "value", new BsonJavaScript("function() { return 1; }") } }, cancellationToken: Ct);
        await database.CreateViewAsync<BsonDocument, BsonDocument>("recent", "kept", new EmptyPipelineDefinition<BsonDocument>(), cancellationToken: Ct);

        var result = await Discover(new NamespaceSelection([$"{name}.*"], [$"{name}.other"], []));

        Assert.Equal(["kept"], result.Collections.Select(c => c.Namespace.Collection));
        Assert.Equal(
            [("recent", "views hold no data; recreate the view on the target"), ("system.js", "system collections are managed by the server")],
            result.Skipped.Select(s => (s.Namespace.Collection, s.Reason)).Order());
        Assert.Empty(result.Views);
    }

    [Fact]
    public async Task Views_are_listed_with_their_definition_when_asked_for()
    {
        var name = server.NewDatabaseName("views");
        var database = server.Client.GetDatabase(name);
        await database.GetCollection<BsonDocument>("base").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        await database.CreateViewAsync<BsonDocument, BsonDocument>("ones", "base", new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([new BsonDocument("$match", new BsonDocument("_id", 1))]), cancellationToken: Ct);

        var result = await new CollectionDiscovery(server.Client, NullLogger.Instance) { IncludeViews = true }
            .DiscoverAsync(new NamespaceSelection([$"{name}.*"], [], []), Ct);

        var view = Assert.Single(result.Views);
        Assert.Equal("ones", view.Namespace.Collection);
        Assert.Equal("base", view.Options["viewOn"].AsString);
        Assert.True(view.Options.Contains("pipeline"));
        Assert.Empty(result.Skipped);
    }

    [Theory]
    [InlineData("admin.system.users", "collection", "users and roles are never copied (they carry credentials): create them on the target")]
    [InlineData("admin.system.roles", "collection", "users and roles are never copied (they carry credentials): create them on the target")]
    [InlineData("config.settings", "collection", "'config' is a system database")]
    [InlineData("local.startup_log", "collection", "'local' is a system database")]
    [InlineData("app.system.profile", "collection", "system collections are managed by the server")]
    [InlineData("app.metrics", "timeseries", "time-series collections are not supported yet")]
    [InlineData("app.odd", "queue", "collections of type 'queue' are not supported")]
    public void Each_namespace_left_out_says_why(string ns, string type, string reason)
    {
        Assert.Equal(reason, CollectionDiscovery.ReasonToSkip(NamespaceName.Parse(ns), type));
    }

    [Fact]
    public void A_plain_collection_of_a_user_database_is_copied()
    {
        Assert.Null(CollectionDiscovery.ReasonToSkip(NamespaceName.Parse("app.orders"), "collection"));
    }

    private Task<DiscoveryResult> Discover(NamespaceSelection selection) =>
        new CollectionDiscovery(server.Client, NullLogger.Instance).DiscoverAsync(selection, Ct);
}
