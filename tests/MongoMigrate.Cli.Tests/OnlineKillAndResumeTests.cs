using System.Diagnostics;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// The kill test of online migration: `migrate --online` as a child process, a writer running on the source throughout,
/// killed with SIGKILL while copying, while catching up and while following, resumed each time, then cut over from
/// another process. The target must then equal the source byte for byte (nothing lost, nothing applied twice wrongly).
/// </summary>
[Trait("Category", "Long")]
public sealed class OnlineKillAndResumeTests(OnlineTestServers servers) : IClassFixture<OnlineTestServers>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mm-online-kill-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [InlineData("dump-restore", 81)]
    [InlineData("direct", 82)]
    public async Task An_online_migration_killed_while_copying_catching_up_and_following_resumes_and_cuts_over_exactly(string method, int seed)
    {
        var database = "onlinekill_" + method.Replace("-", string.Empty, StringComparison.Ordinal);
        var jobId = $"online-kill-{method}";
        var jobDirectory = Path.Combine(_work, jobId);
        var collections = await SeedAsync(database, seed);
        var random = new Random(seed);
        var log = new List<string>();
        using var stopWriting = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        Task<int>? writer = null;

        (string Moment, Func<JobSnapshot, bool> Reached, int Jitter)[] plan =
        [
            ("while copying", now => now.OnlinePhase == "copying" && now.Restored >= 2, 300),
            ("while copying or catching up", now => now.OnlinePhase is not null, 1500),
            ("while catching up or following", now => now.OnlinePhase is "catching up" or "following" || now.Completed == 4, 200),
            ("while following", now => now.OnlinePhase == "following", 800),
        ];
        foreach (var (moment, reached, jitter) in plan)
        {
            var resume = (await JobSnapshot.ReadAsync(jobDirectory, jobId, Ct)).Exists;
            await using var child = ChildProcess.Start(Arguments(jobId, method, database, resume));
            if (!await WaitForAsync(child, jobDirectory, jobId, reached))
            {
                Assert.Fail($"the run ended before the moment '{moment}': {child.Error}{child.Output}\n{string.Join("\n", log)}");
            }

            // The application writes from the first moment the job follows, through every kill, until just before the cutover.
            writer ??= WriteUntilStoppedAsync(collections, seed, stopWriting.Token);
            await Task.Delay(random.Next(jitter), Ct);
            await child.KillAsync(Ct);
            log.Add($"killed {moment}: {await JobSnapshot.ReadAsync(jobDirectory, jobId, Ct)}");
        }

        await using var last = ChildProcess.Start(Arguments(jobId, method, database, resume: true));
        Assert.True(await WaitForAsync(last, jobDirectory, jobId, now => now.OnlinePhase is "catching up" or "following"), last.Error);
        await stopWriting.CancelAsync();
        var writes = await writer!;
        await WaitForListenerAsync(last, jobId);

        await using var cutover = ChildProcess.Start(["cutover", "--job-id", jobId, "--work-dir", _work, "--json", "--timeout", "60"]);
        var cutoverExit = await cutover.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(cutoverExit == 0, $"cutover exit {cutoverExit}: {cutover.Output}{cutover.Error}\nmigrate: {last.Error}\n{string.Join("\n", log)}");
        using (var answer = JsonDocument.Parse(cutover.Output))
        {
            Assert.True(answer.RootElement.GetProperty("cutOver").GetBoolean());
        }

        var exit = await last.WaitForExitAsync(TimeSpan.FromMinutes(1), Ct);
        Assert.True(exit == 0, $"migrate exit {exit}: {last.Error}\n{last.Output}");
        using (var summary = JsonDocument.Parse(last.Output))
        {
            Assert.Equal("completed", summary.RootElement.GetProperty("status").GetString());
            Assert.True(summary.RootElement.GetProperty("resumed").GetBoolean());
        }

        await TargetComparison.AssertEqualAsync(servers.SourceClient, servers.TargetClient, database, database, Ct);
        TestContext.Current.SendDiagnosticMessage($"online kill test, {method}: {writes} writes;\n  {string.Join("\n  ", log)}\n  cutover: {cutover.Output}");
    }

    private string[] Arguments(string jobId, string method, string database, bool resume)
    {
        // A killed run leaves its cutover socket behind; the next run binds a new one, and the test waits for that one.
        var socket = Path.Combine(_work, jobId, "cutover.sock");
        if (File.Exists(socket))
        {
            File.Delete(socket);
        }

        string[] args =
        [
            "migrate", "--online", "--json", "--method", method, "--work-dir", _work, "--job-id", jobId, "--chunk-size", "1MB",
            "--dump-workers", "2", "--restore-workers", "2", "--source", servers.SourceUri, "--target", servers.TargetUri, "--include", $"{database}.*",
        ];
        return resume ? [.. args, "--resume"] : args;
    }

    private static async Task<int> WriteUntilStoppedAsync(IReadOnlyList<IMongoCollection<BsonDocument>> collections, int seed, CancellationToken stop)
    {
        var writes = 0;
        try
        {
            // Bounded, so that the backlog a killed run leaves stays small enough for a quick test.
            for (var round = 0; !stop.IsCancellationRequested && writes < 3000; round++)
            {
                writes += await ConcurrentWriter.RunAsync(collections, 100, seed + round, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped before the cutover; a write cut short either happened or not, and the cutover sees which.
        }

        return writes;
    }

    /// <summary>Three small collections the writer works on, and a larger one whose copy takes a while.</summary>
    private async Task<IReadOnlyList<IMongoCollection<BsonDocument>>> SeedAsync(string database, int seed)
    {
        var db = servers.SourceClient.GetDatabase(database);
        var bulk = db.GetCollection<BsonDocument>("bulk");
        var padding = new string('p', 1000);
        for (var batch = 0; batch < 10; batch++)
        {
            await bulk.InsertManyAsync(Enumerable.Range(batch * 2000, 2000).Select(i => new BsonDocument { { "_id", i }, { "pad", padding } }), cancellationToken: Ct);
        }

        var small = new[] { "a", "b", "c" }.Select(name => db.GetCollection<BsonDocument>(name)).ToList();
        await ConcurrentWriter.SeedAsync(small, 150, seed, Ct);
        return small;
    }

    private async Task WaitForListenerAsync(ChildProcess migrate, string jobId)
    {
        var socket = Path.Combine(_work, jobId, "cutover.sock");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            Assert.False(migrate.HasExited, $"migrate ended: {migrate.Error}{migrate.Output}");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "migrate --online never listened for cutover requests");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Watches the job's state until the moment is reached (true) or the run ends by itself (false).</summary>
    private static async Task<bool> WaitForAsync(ChildProcess child, string jobDirectory, string jobId, Func<JobSnapshot, bool> reached)
    {
        var watch = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        while (!child.HasExited)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(3), "the run neither reached its moment nor ended");
            // Only this run's own status counts: the one a killed run saved last says nothing of this one.
            if (await JobSnapshot.ReadAsync(jobDirectory, jobId, Ct) is { } now && now.OnlineUpdatedAt > started && reached(now))
            {
                return true;
            }

            await Task.Delay(20, Ct);
        }

        return false;
    }
}
