using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.ServerCommands;

public class UpdateByIdCommandTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Replacements_upsert_missing_documents_and_deletes_by_id_remove_only_theirs()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("byid")));
        var one = Document(1, "old");
        var two = Document(2, "kept");
        using (var insert = new InsertCommand("c", [one, two], 0, 2, one.Length + two.Length))
        {
            await runner.RunAsync(insert.Document, Ct);
        }

        var replaced = await runner.RunAsync(
            UpdateByIdCommand.Build("c", [new UpdateById(one["_id"], Document(1, "new"), Upsert: true), new UpdateById(Id(3), Document(3, "added"), Upsert: true)]),
            Ct);
        var deleted = await runner.RunAsync(DeleteByIdCommand.Build("c", [Id(2), Id(4)]), Ct);

        Assert.Equal(2, replaced["n"].AsInt32);
        Assert.Equal(1, deleted["n"].AsInt32);
        var cursor = await RawCursor.OpenAsync(runner, new FindCommand("c") { SortAscending = "_id" }.Build(), null, Ct);
        var stored = await cursor.ToListAsync(Ct);
        Assert.Equal(["1:new", "3:added"], stored.Select(d => $"{d["_id"].AsInt32}:{d["name"].AsString}").ToArray());
    }

    [Fact]
    public async Task An_update_without_upsert_leaves_a_missing_document_missing()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("noupsert")));

        var reply = await runner.RunAsync(UpdateByIdCommand.Build("c", [new UpdateById(Id(1), Document(1, "x"), Upsert: false)]), Ct);

        Assert.Equal(0, reply["n"].AsInt32);
        Assert.True(FindCommand.FoundNothing(await runner.RunAsync(FindCommand.FirstId("c"), Ct)));
    }

    private static RawDocument Document(int id, string name) => new BsonBuilder().StartDocument().Int32("_id", id).String("name", name).End().ToDocument();

    private static RawBsonValue Id(int id) => Document(id, string.Empty)["_id"];
}
