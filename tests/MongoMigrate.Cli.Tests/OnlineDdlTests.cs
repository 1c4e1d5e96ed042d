using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// `migrate --online` while the source's collections change shape: collections created, dropped and renamed while the
/// job follows. The target ends with the source's collections (those the selection takes), each equal, and the cutover's
/// check covers every one of them.
/// </summary>
public sealed class OnlineDdlTests(OnlineTestServers servers) : IClassFixture<OnlineTestServers>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mm-onlineddl-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Collections_created_dropped_and_renamed_while_following_end_on_the_target_as_on_the_source()
    {
        const string Database = "onlineddl";
        const string Elsewhere = "onlineddl_elsewhere";
        foreach (var client in new[] { servers.SourceClient, servers.TargetClient })
        {
            await client.DropDatabaseAsync(Database, Ct);
            await client.DropDatabaseAsync(Elsewhere, Ct);
        }

        var source = servers.SourceClient.GetDatabase(Database);
        var planned = new[] { "a", "b", "c" }.Select(n => source.GetCollection<BsonDocument>(n)).ToList();
        await ConcurrentWriter.SeedAsync(planned, 100, seed: 121, Ct);
        const string JobId = "online-ddl";
        await using var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--work-dir", _work, "--job-id", JobId,
            "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{Database}.*", "--exclude", $"{Database}.skip*",
        ]);
        await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "following", Ct);

        // A collection created while following, by its first insert, with an index and later writes.
        var fresh = source.GetCollection<BsonDocument>("fresh");
        await fresh.InsertManyAsync(Enumerable.Range(0, 200).Select(i => new BsonDocument { { "_id", i }, { "v", i % 7 }, { "s", $"fresh-{i}" } }), cancellationToken: Ct);
        await fresh.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("v"), new CreateIndexOptions { Name = "v_1" }), cancellationToken: Ct);
        await fresh.UpdateManyAsync(Builders<BsonDocument>.Filter.Eq("v", 3), Builders<BsonDocument>.Update.Set("late", true), cancellationToken: Ct);
        await fresh.DeleteManyAsync(Builders<BsonDocument>.Filter.Eq("v", 5), Ct);

        // One explicitly created, with an option, then written.
        await source.CreateCollectionAsync("explicit", new CreateCollectionOptions { ValidationAction = DocumentValidationAction.Warn }, Ct);
        await source.GetCollection<BsonDocument>("explicit").InsertOneAsync(new BsonDocument { { "_id", "e" }, { "x", 1 } }, cancellationToken: Ct);

        // One the selection excludes: never followed.
        await source.GetCollection<BsonDocument>("skipme").InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Ct);

        // A planned collection dropped; one renamed within the selection, then written under its new name.
        await source.DropCollectionAsync("b", Ct);
        await servers.SourceClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument { { "renameCollection", $"{Database}.c" }, { "to", $"{Database}.c2" } }, cancellationToken: Ct);
        await source.GetCollection<BsonDocument>("c2").InsertOneAsync(new BsonDocument { { "_id", "after-rename" } }, cancellationToken: Ct);

        // A collection created while following, then renamed out of the selection: it leaves the target too.
        await source.GetCollection<BsonDocument>("leaving").InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2)], cancellationToken: Ct);
        await servers.SourceClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument { { "renameCollection", $"{Database}.leaving" }, { "to", $"{Elsewhere}.leaving" } }, cancellationToken: Ct);
        await ConcurrentWriter.RunAsync([planned[0], fresh], 300, seed: 122, Ct);

        await OnlineJobWaits.ListenerAsync(migrate, _work, JobId, Ct);
        await using var cutover = ChildProcess.Start(["cutover", "--job-id", JobId, "--work-dir", _work, "--json", "--timeout", "60"]);
        var cutoverExit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(cutoverExit == 0, $"cutover exit {cutoverExit}: {cutover.Output}{cutover.Error}\nmigrate: {migrate.Error}");
        using (var answer = JsonDocument.Parse(cutover.Output))
        {
            // a, b, c planned; fresh, explicit, c2 and leaving followed once they appeared.
            Assert.Contains("target equals source for 7 collections; lag 0", answer.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var exit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(exit == 0, $"migrate exit {exit}: {migrate.Error}\n{migrate.Output}");

        var target = servers.TargetClient.GetDatabase(Database);
        var targetNames = (await (await target.ListCollectionNamesAsync(cancellationToken: Ct)).ToListAsync(Ct)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["a", "c2", "explicit", "fresh"], targetNames);
        Assert.Empty(await (await servers.TargetClient.GetDatabase(Elsewhere).ListCollectionNamesAsync(cancellationToken: Ct)).ToListAsync(Ct));
        var explicitOptions = (await (await target.ListCollectionsAsync(new ListCollectionsOptions { Filter = new BsonDocument("name", "explicit") }, Ct)).SingleAsync(Ct))["options"].AsBsonDocument;
        Assert.Equal("warn", explicitOptions.GetValue("validationAction", BsonNull.Value).ToString());

        await source.DropCollectionAsync("skipme", Ct);
        await TargetComparison.AssertEqualAsync(servers.SourceClient, servers.TargetClient, Database, Database, Ct);
    }

    [Fact]
    public async Task A_collection_renamed_into_the_selection_from_outside_stops_the_job_with_one_line_saying_to_start_anew()
    {
        const string Database = "onlineddl_in";
        foreach (var client in new[] { servers.SourceClient, servers.TargetClient })
        {
            await client.DropDatabaseAsync(Database, Ct);
        }

        await ConcurrentWriter.SeedAsync([servers.SourceClient.GetDatabase(Database).GetCollection<BsonDocument>("a")], 20, seed: 123, Ct);
        await servers.SourceClient.GetDatabase(Database).GetCollection<BsonDocument>("hidden_x").InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2)], cancellationToken: Ct);
        const string JobId = "online-ddl-in";
        await using var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--work-dir", _work, "--job-id", JobId,
            "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{Database}.*", "--exclude", $"{Database}.hidden*",
        ]);
        await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "following", Ct);

        // Its two documents were never copied: following cannot make the target equal to the source any more.
        await servers.SourceClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument { { "renameCollection", $"{Database}.hidden_x" }, { "to", $"{Database}.x" } }, cancellationToken: Ct);

        var exit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(exit != 0, $"migrate exit {exit}: {migrate.Output}{migrate.Error}");
        using var summary = JsonDocument.Parse(migrate.Output);
        Assert.Equal("failed", summary.RootElement.GetProperty("status").GetString());
        var reason = summary.RootElement.GetProperty("reason").GetString()!;
        Assert.DoesNotContain('\n', reason);
        Assert.Contains($"'rename' of {Database}.hidden_x", reason, StringComparison.Ordinal);
        Assert.Contains($"moved into the job's selection as {Database}.x", reason, StringComparison.Ordinal);
        Assert.Contains("Start the online migration anew", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_collection_renamed_into_the_selection_from_another_database_stops_the_job_with_the_same_line()
    {
        const string Database = "onlineddl_into";
        const string Outside = "onlineddl_outside";
        foreach (var client in new[] { servers.SourceClient, servers.TargetClient })
        {
            await client.DropDatabaseAsync(Database, Ct);
            await client.DropDatabaseAsync(Outside, Ct);
        }

        await ConcurrentWriter.SeedAsync([servers.SourceClient.GetDatabase(Database).GetCollection<BsonDocument>("a")], 20, seed: 124, Ct);
        await servers.SourceClient.GetDatabase(Outside).GetCollection<BsonDocument>("x").InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2)], cancellationToken: Ct);
        const string JobId = "online-ddl-into";
        await using var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--work-dir", _work, "--job-id", JobId,
            "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{Database}.*",
        ]);
        await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "following", Ct);

        // One database is followed by a database stream: the rename's "to" brings it in, though its "ns" is elsewhere.
        await servers.SourceClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument { { "renameCollection", $"{Outside}.x" }, { "to", $"{Database}.x" } }, cancellationToken: Ct);

        var exit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(exit != 0, $"migrate exit {exit}: {migrate.Output}{migrate.Error}");
        using var summary = JsonDocument.Parse(migrate.Output);
        Assert.Equal("failed", summary.RootElement.GetProperty("status").GetString());
        var reason = summary.RootElement.GetProperty("reason").GetString()!;
        Assert.DoesNotContain('\n', reason);
        Assert.Contains($"'rename' of {Outside}.x", reason, StringComparison.Ordinal);
        Assert.Contains($"moved into the job's selection as {Database}.x", reason, StringComparison.Ordinal);
        Assert.Contains("Start the online migration anew", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_collection_renamed_while_its_copy_runs_fails_with_one_line_instead_of_following_a_short_copy()
    {
        const string Database = "onlineddl_copying";
        foreach (var client in new[] { servers.SourceClient, servers.TargetClient })
        {
            await client.DropDatabaseAsync(Database, Ct);
        }

        var source = servers.SourceClient.GetDatabase(Database);
        await ConcurrentWriter.SeedAsync([source.GetCollection<BsonDocument>("a"), source.GetCollection<BsonDocument>("b")], 200, seed: 125, Ct);
        var admin = servers.TargetClient.GetDatabase("admin");

        // The target holds every insert back, so no collection's copy ends before the rename.
        await admin.RunCommandAsync<BsonDocument>(
            new BsonDocument
            {
                { "configureFailPoint", "failCommand" }, { "mode", "alwaysOn" },
                { "data", new BsonDocument { { "failCommands", new BsonArray { "insert" } }, { "blockConnection", true }, { "blockTimeMS", 500 } } },
            },
            cancellationToken: Ct);
        const string JobId = "online-ddl-copying";
        try
        {
            await using var migrate = ChildProcess.Start(
            [
                "migrate", "--online", "--json", "--work-dir", _work, "--job-id", JobId,
                "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{Database}.*",
            ]);
            await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "copying", Ct);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while ((await JobSnapshot.ReadAsync(Path.Combine(_work, JobId), JobId, Ct)).Dumped < 2)
            {
                // Both collections read from the source (their restores held back): the rename comes after the copy's reads began.
                Assert.False(migrate.HasExited, $"migrate ended: {migrate.Error}{migrate.Output}");
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the copy never read both collections");
                await Task.Delay(20, Ct);
            }

            await servers.SourceClient.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument { { "renameCollection", $"{Database}.a" }, { "to", $"{Database}.a2" } }, cancellationToken: Ct);
            await source.GetCollection<BsonDocument>("a2").InsertOneAsync(new BsonDocument("_id", "after-rename"), cancellationToken: Ct);
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", "off" } }, cancellationToken: Ct);

            var exit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
            Assert.True(exit != 0, $"migrate exit {exit}: {migrate.Output}{migrate.Error}");
            using var summary = JsonDocument.Parse(migrate.Output);
            Assert.Equal("failed", summary.RootElement.GetProperty("status").GetString());
            var reason = summary.RootElement.GetProperty("reason").GetString()!;
            Assert.DoesNotContain('\n', reason);

            // Caught by the copy's own check (the collection it found is gone when its copy ends) or, when the rename
            // comes after that check, by the rename's cluster time against the copy's end: never a short copy that follows on.
            Assert.True(
                reason.Contains($"{Database}.a no longer exists on the source: it was dropped or renamed", StringComparison.Ordinal)
                || reason.Contains($"'rename' of {Database}.a (", StringComparison.Ordinal) && reason.Contains($"renamed to {Database}.a2 while its copy read it", StringComparison.Ordinal),
                reason);
        }
        finally
        {
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", "off" } }, cancellationToken: CancellationToken.None);
        }
    }
}
