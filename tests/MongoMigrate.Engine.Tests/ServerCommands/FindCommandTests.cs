using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.ServerCommands;

public class FindCommandTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Only_the_options_set_are_written_in_the_documented_order()
    {
        var filter = IdFilter.Equal(new BsonBuilder().StartDocument().Int32("v", 3).End().ToDocument()["v"]);
        var command = new FindCommand("c") { Filter = filter, SortAscending = "_id", HintId = true, BatchSize = 10, NoCursorTimeout = false }.Build();

        Assert.Equal(["find", "filter", "sort", "hint", "batchSize", "noCursorTimeout"], Names(command));
        Assert.Equal(3, command["filter"].AsDocument["_id"].AsInt32);
        Assert.Equal(["find"], Names(new FindCommand("c").Build()));
    }

    [Fact]
    public async Task A_sorted_find_by_ids_returns_those_documents_in_id_order()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("find")));
        await InsertAsync(runner, [5, 1, 4, 2, 3]);
        var ids = new[] { 4, 2, 5 }.Select(Id).ToList();

        var find = new FindCommand("c") { Filter = IdFilter.In(ids), SortAscending = "_id", HintId = true, BatchSize = 2 }.Build();
        var cursor = await RawCursor.OpenAsync(runner, find, 2, Ct);
        var found = await cursor.ToListAsync(Ct);

        Assert.Equal([2, 4, 5], found.Select(d => d["_id"].AsInt32).ToArray());
    }

    [Fact]
    public async Task The_first_id_probe_tells_an_empty_selection_from_a_full_one()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("probe")));
        await InsertAsync(runner, [1, 2]);

        var any = await runner.RunAsync(FindCommand.FirstId("c"), Ct);
        var none = await runner.RunAsync(FindCommand.FirstId("c", IdFilter.Equal(Id(9))), Ct);

        Assert.False(FindCommand.FoundNothing(any));
        Assert.Equal(["_id"], Names(any["cursor"].AsDocument["firstBatch"].AsDocument["0"].AsDocument));
        Assert.True(FindCommand.FoundNothing(none));
    }

    private static RawBsonValue Id(int id) => new BsonBuilder().StartDocument().Int32("_id", id).End().ToDocument()["_id"];

    private static async Task InsertAsync(RawCommandRunner runner, int[] ids)
    {
        var documents = ids.Select(id => new BsonBuilder().StartDocument().Int32("_id", id).String("name", $"n{id}").End().ToDocument()).ToList();
        using var insert = new InsertCommand("c", documents, 0, documents.Count, documents.Sum(d => (long)d.Length));
        var reply = await runner.RunAsync(insert.Document, Ct);
        Assert.Equal(ids.Length, reply["n"].AsInt32);
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
