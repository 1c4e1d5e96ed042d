using System.Text.Json;
using System.Text.RegularExpressions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>`migrate --online` on a terminal, as a user runs it: the live display, and the key c that cuts over.</summary>
public sealed class OnlineCutoverKeyTests(OnlineTestServers servers) : IClassFixture<OnlineTestServers>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mm-onlinekey-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_key_c_in_the_live_display_cuts_over_and_the_migration_ends_equal()
    {
        const string Database = "onlinekey";
        await servers.SourceClient.DropDatabaseAsync(Database, Ct);
        await servers.TargetClient.DropDatabaseAsync(Database, Ct);
        var collections = new[] { "a", "b" }.Select(n => servers.SourceClient.GetDatabase(Database).GetCollection<BsonDocument>(n)).ToList();
        await ConcurrentWriter.SeedAsync(collections, 100, seed: 91, Ct);
        const string JobId = "online-key";
        await using var migrate = ChildProcess.StartInTerminal(
        [
            "migrate", "--online", "--work-dir", _work, "--job-id", JobId,
            "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{Database}.*",
        ]);
        await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "following", Ct);
        await ConcurrentWriter.RunAsync(collections, 200, seed: 92, Ct);

        await migrate.SendKeysAsync("c", Ct);
        var exit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.True(exit == 0, $"migrate exit {exit}: {migrate.Output}{migrate.Error}");
        var screen = Regex.Replace(migrate.Output, @"\x1b(\[[0-9;?]*[A-Za-z]|[=>])", string.Empty);
        Assert.Contains("c cut over", screen, StringComparison.Ordinal);
        Assert.Contains("following", screen, StringComparison.Ordinal);
        Assert.Contains("rechecks pending", screen, StringComparison.Ordinal);
        Assert.Contains("verifier lag", screen, StringComparison.Ordinal);
        Assert.Contains("target equals source for 2 collections; lag 0", screen, StringComparison.Ordinal);
        await TargetComparison.AssertEqualAsync(servers.SourceClient, servers.TargetClient, Database, Database, Ct);
        var (code, jobs, error) = await CliRunner.RunAsync("jobs", "--work-dir", _work, "--json");
        Assert.True(code == 0, error);
        using var listed = JsonDocument.Parse(jobs);
        var job = listed.RootElement.GetProperty("jobs").EnumerateArray().Single();
        Assert.Equal("cut over", job.GetProperty("online").GetProperty("phase").GetString());
        Assert.Equal(0, job.GetProperty("online").GetProperty("verifier").GetProperty("mismatches").GetInt64());
    }
}
