using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// The continuous verification of `migrate --online` as a child process: it gates the cutover, which calls the target
/// equal only once every change up to T is rechecked, and says which documents differ when one does.
/// </summary>
public sealed class OnlineVerificationTests(OnlineTestServers servers) : IClassFixture<OnlineTestServers>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mm-onlinever-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_document_changed_on_the_target_behind_the_tools_back_while_following_is_a_mismatch_at_cutover_which_exits_non_zero()
    {
        const string Database = "onlinever_mismatch";
        var source = servers.SourceClient.GetDatabase(Database).GetCollection<BsonDocument>("people");
        await servers.SourceClient.DropDatabaseAsync(Database, Ct);
        await servers.TargetClient.DropDatabaseAsync(Database, Ct);
        await ConcurrentWriter.SeedAsync([source], 200, seed: 81, Ct);
        const string JobId = "online-mismatch";
        await using var migrate = ChildProcess.Start(
        [
            "migrate", "--online", "--json", "--work-dir", _work, "--job-id", JobId,
            "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{Database}.*",
        ]);
        await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "following", Ct);

        // Something else writes the target: a field the source never had. The source's next change of that document sets
        // another field only, so once it is applied the target still differs: the recheck finds it twice.
        var victim = (await source.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("_id", 1)).Limit(1).FirstAsync(Ct))["_id"];
        var target = servers.TargetClient.GetDatabase(Database).GetCollection<BsonDocument>("people");
        await target.UpdateOneAsync(new BsonDocument("_id", victim), new BsonDocument("$set", new BsonDocument("behindTheBack", true)), cancellationToken: Ct);
        await source.UpdateOneAsync(new BsonDocument("_id", victim), new BsonDocument("$set", new BsonDocument("touched", 1)), cancellationToken: Ct);
        await OnlineJobWaits.ListenerAsync(migrate, _work, JobId, Ct);

        await using var cutover = ChildProcess.Start(["cutover", "--job-id", JobId, "--work-dir", _work, "--json", "--timeout", "60"]);
        var exit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.True(exit != 0, $"cutover exit {exit}: {cutover.Output}");
        using (var answer = JsonDocument.Parse(cutover.Output))
        {
            var root = answer.RootElement;
            Assert.False(root.GetProperty("cutOver").GetBoolean());
            var message = root.GetProperty("message").GetString()!;
            Assert.StartsWith("not cut over:", message, StringComparison.Ordinal);
            Assert.DoesNotContain("equals source", message, StringComparison.Ordinal);
            Assert.Contains("1 document(s) still differ", message, StringComparison.Ordinal);
            var mismatch = Assert.Single(root.GetProperty("mismatches").EnumerateArray());
            Assert.Equal($"{Database}.people", mismatch.GetProperty("namespace").GetString());
            Assert.Equal(victim.ToString(), mismatch.GetProperty("id").GetString());
            Assert.Contains("behindTheBack (only on the target)", mismatch.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Equal(1, root.GetProperty("verifier").GetProperty("mismatches").GetInt64());
        }

        // The job goes on following (the target is not called equal); `jobs` shows the verifier beside the apply lag.
        Assert.False(migrate.HasExited, migrate.Error);
        var (code, jobs, error) = await CliRunner.RunAsync("jobs", "--work-dir", _work, "--json");
        Assert.True(code == 0, error);
        using (var listed = JsonDocument.Parse(jobs))
        {
            var online = listed.RootElement.GetProperty("jobs").EnumerateArray().Single().GetProperty("online");
            Assert.Equal("following", online.GetProperty("phase").GetString());
            Assert.Equal(1, online.GetProperty("verifier").GetProperty("mismatches").GetInt64());
            Assert.True(online.GetProperty("verifier").GetProperty("lagSeconds").GetDouble() >= 0, jobs);
        }

        var (textCode, text, _) = await CliRunner.RunAsync("jobs", "--work-dir", _work);
        Assert.Equal(0, textCode);
        Assert.Contains("rechecks pending", text, StringComparison.Ordinal);
        Assert.Contains("verifier lag", text, StringComparison.Ordinal);
        await migrate.InterruptAsync(Ct);
        var migrateExit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.NotEqual(0, migrateExit);
    }
}
