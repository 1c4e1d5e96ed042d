using System.Diagnostics;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// `migrate --online` when following cannot go on: the source's change log no longer reaches the job's resume point, or the
/// source stops answering. Each ends with a clear one-line reason that says what to do, never with a hole in the target.
/// Each test runs its own sandboxes (one is made small, the other is killed).
/// </summary>
public sealed class OnlineFailureTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mm-onlinefail-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_resume_whose_token_fell_off_the_sources_change_log_fails_with_one_line_saying_to_start_again_without_resume()
    {
        var (source, sourceUri) = await SandboxProcess.StartAsync("rs0", Ct, "--oplog-size", "1");
        var (target, targetUri) = await SandboxProcess.StartAsync("rs0", Ct);
        await using var sourceProcess = source;
        await using var targetProcess = target;
        using var sourceClient = new MongoClient(sourceUri);
        var collection = sourceClient.GetDatabase("histlost").GetCollection<BsonDocument>("a");
        await ConcurrentWriter.SeedAsync([collection], 50, seed: 101, Ct);
        const string JobId = "online-histlost";
        string[] args = ["migrate", "--online", "--json", "--work-dir", _work, "--job-id", JobId, "--source", sourceUri, "--target", targetUri, "--include", "histlost.*"];
        await using (var first = ChildProcess.Start(args))
        {
            await OnlineJobWaits.PhaseAsync(first, _work, JobId, "following", Ct);
            await first.KillAsync(Ct);
        }

        // While nothing follows, the source writes more than its 1 MB change log holds: the job's resume point is gone.
        var padding = new string('x', 64 * 1024);
        for (var i = 0; i < 40; i++)
        {
            await collection.InsertOneAsync(new BsonDocument { { "_id", $"late-{i}" }, { "pad", padding } }, cancellationToken: Ct);
        }

        await using var resumed = ChildProcess.Start([.. args, "--resume"]);
        var exit = await resumed.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.True(exit != 0, $"resumed exit {exit}: {resumed.Output}{resumed.Error}");
        using var summary = JsonDocument.Parse(resumed.Output);
        Assert.Equal("failed", summary.RootElement.GetProperty("status").GetString());
        var reason = summary.RootElement.GetProperty("reason").GetString()!;
        Assert.DoesNotContain('\n', reason);
        Assert.Contains("ChangeStreamHistoryLost", reason, StringComparison.Ordinal);
        Assert.Contains("histlost.a", reason, StringComparison.Ordinal);
        Assert.Contains("without --resume", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("carry on with", reason, StringComparison.Ordinal);
        var (code, jobs, _) = await CliRunner.RunAsync("jobs", "--work-dir", _work, "--json");
        Assert.Equal(0, code);
        using var listed = JsonDocument.Parse(jobs);
        Assert.Equal("failed", listed.RootElement.GetProperty("jobs").EnumerateArray().Single().GetProperty("state").GetString());
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task A_source_that_stops_answering_while_following_is_retried_then_the_job_fails_with_one_line_that_says_how_to_resume()
    {
        var (source, sourceUri) = await SandboxProcess.StartAsync("rs0", Ct);
        var (target, targetUri) = await SandboxProcess.StartAsync("rs0", Ct);
        await using var sourceProcess = source;
        await using var targetProcess = target;
        using (var sourceClient = new MongoClient(sourceUri))
        {
            await ConcurrentWriter.SeedAsync([sourceClient.GetDatabase("gone").GetCollection<BsonDocument>("a")], 50, seed: 102, Ct);
        }

        const string JobId = "online-gone";
        await using var migrate = ChildProcess.Start(["migrate", "--online", "--json", "--connect-timeout", "3", "--work-dir", _work, "--job-id", JobId, "--source", sourceUri, "--target", targetUri, "--include", "gone.*"]);
        await OnlineJobWaits.PhaseAsync(migrate, _work, JobId, "following", Ct);
        var watch = Stopwatch.StartNew();
        await source.KillAsync(Ct);

        var exit = await migrate.WaitForExitAsync(TimeSpan.FromMinutes(5), Ct);
        var failedAfter = watch.Elapsed;

        Assert.True(exit != 0, $"migrate exit {exit}: {migrate.Output}{migrate.Error}");
        using var summary = JsonDocument.Parse(migrate.Output);
        Assert.Equal("failed", summary.RootElement.GetProperty("status").GetString());
        var reason = summary.RootElement.GetProperty("reason").GetString()!;
        Assert.DoesNotContain('\n', reason);
        Assert.StartsWith("Following the source stopped:", reason, StringComparison.Ordinal);
        Assert.Contains("failed 11 times in a row", reason, StringComparison.Ordinal);
        Assert.Contains("no server answered", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Client view of cluster state", reason, StringComparison.Ordinal);
        Assert.Contains("--resume", reason, StringComparison.Ordinal);
        TestContext.Current.SendDiagnosticMessage($"failed {failedAfter.TotalSeconds:0.0} s after the source went: {reason}");
    }
}
