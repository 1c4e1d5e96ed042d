using System.Text.Json;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.State;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// The kill test: `mongomigrate migrate` as a child process against two sandbox processes, killed with
/// SIGKILL at random moments (seeded), resumed, killed again, and finally run to the end. The target must
/// then equal the source byte for byte, with the same counts (nothing duplicated). Long, and run in CI.
/// </summary>
[Trait("Category", "Long")]
public sealed class KillAndResumeTests(KillTestServers servers) : IClassFixture<KillTestServers>, IDisposable
{
    private const int Kills = 8;

    private readonly KillTestServers _servers = servers;
    private readonly string _work = Directory.CreateTempSubdirectory("mm-kill-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Theory]
    [InlineData("dump-restore", 5150)]
    [InlineData("direct", 6160)]
    public async Task A_migration_killed_again_and_again_ends_byte_for_byte_equal_without_duplicates(string method, int seed)
    {
        var random = new Random(seed);
        var jobId = $"kill-{method}";
        var database = method == "direct" ? "killdirect" : "killdumped";
        var log = new List<string>();
        var interrupted = false;
        var progress = string.Empty;
        var patience = 0;
        for (var kill = 0; kill < Kills; kill++)
        {
            // A run spends its first second or two starting .NET, connecting and reading its state: early kills land
            // there and in planning, later ones anywhere in the copy, the index builds or the verification. A run
            // killed before it got anywhere makes the next one wait longer, so the job still moves on.
            var delay = TimeSpan.FromMilliseconds((kill < 2 ? random.Next(300, 2500) : random.Next(2000, 5000)) + patience);
            await using var child = ChildProcess.Start(await ArgumentsAsync(jobId, method, database), Environment());
            if (kill == 1 && await JobExistsAsync(jobId))
            {
                await AssertASecondProcessIsRefusedAsync(jobId, method, database, child);
            }

            if (await ExitsWithinAsync(child, delay))
            {
                log.Add($"run {kill + 1} finished within {delay.TotalMilliseconds:0} ms, before its kill");
                break;
            }

            if (kill == 3 && method == "dump-restore" && !OperatingSystem.IsWindows())
            {
                // Ctrl+C instead of a kill: the run stops itself and records a resumable state.
                await child.InterruptAsync(Ct);
                var code = await child.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
                var stopped = child.Output.Trim();
                Assert.True(code == 1 || code == 0, child.Error);
                if (code == 1 && stopped.Length > 0)
                {
                    using var json = JsonDocument.Parse(stopped);
                    Assert.Equal("stopped", json.RootElement.GetProperty("status").GetString());
                    Assert.Contains("--resume", json.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
                    interrupted = true;
                }

                progress = await DescribeStateAsync(jobId);
                log.Add($"run {kill + 1} interrupted (SIGINT) after {delay.TotalMilliseconds:0} ms: exit {code}, {progress}");
                continue;
            }

            await child.KillAsync(Ct);
            var now = await DescribeStateAsync(jobId);
            patience = Done(now) == Done(progress) ? patience + 1500 : 0;
            progress = now;
            log.Add($"run {kill + 1} killed after {delay.TotalMilliseconds:0} ms: {now}");
            if (kill == 2)
            {
                await AssertJobsShowsItInterruptedAsync(jobId);
            }
        }

        await using var last = ChildProcess.Start(await ArgumentsAsync(jobId, method, database), Environment());
        var exit = await last.WaitForExitAsync(TimeSpan.FromMinutes(3), Ct);
        Assert.True(exit == 0, $"exit {exit}: {last.Error}\n{last.Output}\n{string.Join("\n", log)}");
        using (var summary = JsonDocument.Parse(last.Output))
        {
            var root = summary.RootElement;
            Assert.Equal("completed", root.GetProperty("status").GetString());
            Assert.True(root.GetProperty("verified").GetBoolean());
            Assert.Equal(_servers.Documents, root.GetProperty("documents").GetInt64());
            log.Add($"final run: completed, resumed {root.GetProperty("resumed").GetBoolean()}, {root.GetProperty("documentsThisRun").GetInt64()} of {_servers.Documents} documents copied by it");
        }

        await TargetComparison.AssertEqualAsync(_servers.SourceClient, _servers.TargetClient, KillTestServers.Database, database, Ct);
        Assert.True(log.Count(l => l.Contains("killed", StringComparison.Ordinal)) >= 4, string.Join("\n", log));
        Assert.True(interrupted || method != "dump-restore" || OperatingSystem.IsWindows(), string.Join("\n", log));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_work, jobId), "*.bson*", SearchOption.AllDirectories));
        TestContext.Current.SendDiagnosticMessage($"kill test, {method}:\n  {string.Join("\n  ", log)}");
    }

    /// <summary>What a run achieved, from its description: the collections and the chunks restored.</summary>
    private static string Done(string state) => state.Contains("; chunks ", StringComparison.Ordinal) ? state[state.IndexOf("collections", StringComparison.Ordinal)..state.IndexOf(" restored", StringComparison.Ordinal)] : state;

    private async Task<string[]> ArgumentsAsync(string jobId, string method, string database)
    {
        string[] args =
        [
            "migrate", "--work-dir", _work, "--job-id", jobId, "--method", method, "--chunk-size", "1MB",
            "--dump-workers", "3", "--restore-workers", "3", "--from", $"{KillTestServers.Database}.*", "--to", $"{database}.*", "--json",
        ];
        return await JobExistsAsync(jobId) ? [.. args, "--resume"] : args;
    }

    /// <summary>The URIs come from the environment, as a script that keeps secrets out of the command line would give them.</summary>
    private Dictionary<string, string> Environment() => new()
    {
        ["MONGOMIGRATE_SOURCE"] = _servers.SourceUri,
        ["MONGOMIGRATE_TARGET"] = _servers.TargetUri,
    };

    private async Task<bool> JobExistsAsync(string jobId)
    {
        var path = MigrationJob.StatePath(Path.Combine(_work, jobId));
        if (!File.Exists(path))
        {
            return false;
        }

        await using var state = await SqliteJobStateStore.OpenAsync(path, cancellationToken: Ct);
        return await state.GetJobAsync(jobId, Ct) is not null;
    }

    /// <summary>Where the killed run left the job, from its state: the phase it was in and what is done.</summary>
    private async Task<string> DescribeStateAsync(string jobId)
    {
        if (!await JobExistsAsync(jobId))
        {
            return "no job yet (killed while discovering)";
        }

        await using var state = await SqliteJobStateStore.OpenAsync(MigrationJob.StatePath(Path.Combine(_work, jobId)), cancellationToken: Ct);
        var collections = await state.GetCollectionsAsync(jobId, Ct);
        var totals = await state.GetChunkTotalsAsync(jobId, Ct);
        var chunks = totals.Sum(t => t.Chunks);
        int Count(ChunkStatus status) => totals.Where(t => t.Status == status).Sum(t => t.Chunks);
        var phase = collections.Any(c => c.Status == CollectionStatus.Pending) ? "planning"
            : collections.Any(c => c.Status is CollectionStatus.Planned or CollectionStatus.Copying) ? "dump/restore"
            : collections.Any(c => c.Status == CollectionStatus.Copied) ? "index build/verification"
            : "finishing";
        var byStatus = string.Join(", ", collections.GroupBy(c => c.Status).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        return $"phase {phase}; collections {byStatus}; chunks {Count(ChunkStatus.Restored)}/{chunks} restored, {Count(ChunkStatus.Dumped)} dumped";
    }

    private async Task AssertASecondProcessIsRefusedAsync(string jobId, string method, string database, ChildProcess holder)
    {
        // Once the child has taken the lock (it then writes who it is beside it), a second run of the job must refuse.
        var owner = Path.Combine(_work, jobId, "lock.owner");
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        while (!(File.Exists(owner) && (await File.ReadAllTextAsync(owner, wait.Token)).Contains($"pid {holder.Id} ", StringComparison.Ordinal)))
        {
            Assert.False(holder.HasExited, holder.Error);
            await Task.Delay(20, wait.Token);
        }

        var (code, _, error) = await CliRunner.RunAsync(
            "migrate", "--resume", "--job-id", jobId, "--work-dir", _work, "--source", _servers.SourceUri, "--target", _servers.TargetUri,
            "--method", method, "--from", $"{KillTestServers.Database}.*", "--to", $"{database}.*");

        Assert.Equal(1, code);
        Assert.Contains($"Job {jobId} is already running in another mongomigrate process (pid {holder.Id} ", error, StringComparison.Ordinal);
    }

    private async Task AssertJobsShowsItInterruptedAsync(string jobId)
    {
        if (!await JobExistsAsync(jobId))
        {
            return;
        }

        var (code, output, error) = await CliRunner.RunAsync("jobs", "--work-dir", _work, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var job = json.RootElement.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("jobId").GetString() == jobId);
        var state = job.GetProperty("state").GetString();
        Assert.True(state is "interrupted" or "completed", state);
    }

    private static async Task<bool> ExitsWithinAsync(ChildProcess child, TimeSpan delay)
    {
        try
        {
            await child.WaitForExitAsync(delay, Ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
