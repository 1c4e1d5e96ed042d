using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.ServerCommands;

public class CreateIndexesCommandTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_legacy_ns_is_left_out_and_everything_else_kept()
    {
        var spec = new BsonBuilder().StartDocument().StartDocument("key").Int32("a", 1).End().String("name", "a_1").String("ns", "old.c").Boolean("sparse", true).End().ToDocument();

        var command = CreateIndexesCommand.Build("c", [spec], ignoreUnknownIndexOptions: true);

        Assert.Equal(["key", "name", "sparse"], Names(command["indexes"].AsDocument["0"].AsDocument));
        Assert.True(command["ignoreUnknownIndexOptions"].AsBoolean);
        Assert.False(CreateIndexesCommand.Build("c", [spec]).Contains("ignoreUnknownIndexOptions"));
    }

    [Fact]
    public async Task Created_indexes_are_listed_and_dropped_by_name()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("indexes")));
        await runner.RunAsync(CreateCommand.Build("c"), Ct);
        var spec = new BsonBuilder().StartDocument().StartDocument("key").Int32("a", 1).End().String("name", "a_1").End().ToDocument();

        await runner.RunAsync(CreateIndexesCommand.Build("c", [spec]), Ct);
        var names = await IndexNamesAsync(runner);
        await runner.RunAsync(DropIndexesCommand.Build("c", spec["name"]), Ct);

        Assert.Equal(["_id_", "a_1"], names);
        Assert.Equal(["_id_"], await IndexNamesAsync(runner));
    }

    private static async Task<string[]> IndexNamesAsync(RawCommandRunner runner)
    {
        var cursor = await RawCursor.OpenAsync(runner, ListIndexesCommand.Build("c"), null, Ct);
        return [.. (await cursor.ToListAsync(Ct)).Select(i => i["name"].AsString).Order(StringComparer.Ordinal)];
    }

    private static string[] Names(RawDocument document)
    {
        var names = new List<string>();
        foreach (var element in document)
        {
            names.Add(element.Name);
        }

        return [.. names];
    }
}
