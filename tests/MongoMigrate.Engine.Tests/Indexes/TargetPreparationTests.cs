using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Indexes;

/// <summary>Target collections made ready before the data: emptiness checked, options carried, unique indexes first, the rest after.</summary>
public class TargetPreparationTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TargetPreparation Preparation => new(server.Client, NullLogger.Instance);

    [Fact]
    public async Task Targets_that_hold_documents_are_named_in_one_line_and_empty_or_missing_ones_pass()
    {
        var name = server.NewDatabaseName("full");
        var database = server.Client.GetDatabase(name);
        await database.GetCollection<BsonDocument>("full").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);
        await database.CreateCollectionAsync("empty", cancellationToken: Ct);
        NamespaceName[] targets = [new(name, "full"), new(name, "empty"), new(name, "missing")];

        var error = await Assert.ThrowsAsync<MigrationException>(() => Preparation.EnsureTargetsEmptyAsync(targets, dropTarget: false, Ct));

        Assert.Equal(
            $"The target already holds documents in {name}.full. Empty or drop them, pick other names with --from/--to, or pass --drop-target to replace them.",
            error.Message);
        await Preparation.EnsureTargetsEmptyAsync([new(name, "empty"), new(name, "missing")], dropTarget: false, Ct);
    }

    [Fact]
    public async Task Dropping_the_targets_removes_what_exists_and_ignores_what_does_not()
    {
        var name = server.NewDatabaseName("drop");
        var database = server.Client.GetDatabase(name);
        await database.GetCollection<BsonDocument>("full").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        await Preparation.EnsureTargetsEmptyAsync([new(name, "full"), new(name, "missing")], dropTarget: true, Ct);

        Assert.False(await Preparation.ExistsAsync(new NamespaceName(name, "full"), Ct));
    }

    [Fact]
    public async Task A_collection_is_created_with_the_source_options_and_only_its_unique_indexes_until_the_data_is_in()
    {
        var (source, target) = await SourceWithIndexesAsync("create");

        var problems = await Preparation.CreateCollectionAsync(source, target, Ct);

        Assert.Empty(problems);
        Assert.Equal(["_id_", "email_unique"], await IndexNamesAsync(target));
        var options = (await (await server.Client.GetDatabase(target.Database).ListCollectionsAsync(new ListCollectionsOptions { Filter = new BsonDocument("name", target.Collection) }, Ct)).SingleAsync(Ct))["options"].AsBsonDocument;
        Assert.True(options["capped"].ToBoolean());
        Assert.True(TargetPreparation.HasRemainingIndexes(source));

        Assert.Empty(await Preparation.BuildRemainingIndexesAsync(source, target, Ct));
        Assert.Equal(["_id_", "city_1", "email_unique"], await IndexNamesAsync(target));
    }

    [Fact]
    public async Task A_collection_that_exists_already_is_kept_as_it_is()
    {
        var (source, target) = await SourceWithIndexesAsync("exists");
        await server.Client.GetDatabase(target.Database).GetCollection<BsonDocument>(target.Collection).InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        Assert.False(await Preparation.CreateWithOptionsAsync(source, target, Ct));
        Assert.Equal(1, await server.Client.GetDatabase(target.Database).GetCollection<BsonDocument>(target.Collection).CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_unique_index_the_data_breaks_is_reported_in_one_line_and_the_other_indexes_are_still_built()
    {
        var (source, target) = await SourceWithIndexesAsync("broken");
        Assert.True(await Preparation.CreateWithOptionsAsync(source, target, Ct));
        await server.Client.GetDatabase(target.Database).GetCollection<BsonDocument>(target.Collection)
            .InsertManyAsync([new BsonDocument { { "_id", 1 }, { "email", "same" } }, new BsonDocument { { "_id", 2 }, { "email", "same" } }], cancellationToken: Ct);

        var (unique, other) = await Preparation.BuildAllIndexesAsync(source, target, Ct);

        var problem = Assert.Single(unique);
        Assert.StartsWith($"index email_unique on {target}: DuplicateKey (11000): ", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
        Assert.Empty(other);
        Assert.Equal(["_id_", "city_1"], await IndexNamesAsync(target));
    }

    /// <summary>A capped source collection with a unique and a plain index, and the target namespace to prepare for it.</summary>
    private async Task<(SourceCollection Source, NamespaceName Target)> SourceWithIndexesAsync(string hint)
    {
        var sourceName = new NamespaceName(server.NewDatabaseName($"{hint}src"), "people");
        var database = server.Client.GetDatabase(sourceName.Database);
        await database.CreateCollectionAsync(sourceName.Collection, new CreateCollectionOptions { Capped = true, MaxSize = 1024 * 1024 }, Ct);
        await database.GetCollection<BsonDocument>(sourceName.Collection).Indexes.CreateManyAsync(
            [
                new CreateIndexModel<BsonDocument>("{email: 1}", new CreateIndexOptions { Unique = true, Name = "email_unique" }),
                new CreateIndexModel<BsonDocument>("{city: 1}"),
            ],
            Ct);
        var discovered = await new CollectionDiscovery(server.Client, NullLogger.Instance).DiscoverAsync(new NamespaceSelection([sourceName.FullName], [], []), Ct);
        return (Assert.Single(discovered.Collections), new NamespaceName(server.NewDatabaseName($"{hint}dst"), "people"));
    }

    private async Task<string[]> IndexNamesAsync(NamespaceName ns)
    {
        var indexes = await (await server.Client.GetDatabase(ns.Database).GetCollection<BsonDocument>(ns.Collection).Indexes.ListAsync(Ct)).ToListAsync(Ct);
        return [.. indexes.Select(i => i["name"].AsString).Order(StringComparer.Ordinal)];
    }
}
