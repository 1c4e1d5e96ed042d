using System.Diagnostics;
using System.Text.Json;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// The kill test: `mongomigrate migrate` as a child process against two sandbox processes, killed with SIGKILL
/// again and again, resumed each time, and finally run to the end. The target must then equal the source byte
/// for byte, with the same counts (nothing duplicated). Each kill waits for a moment of the job read from its
/// state file (a chunk dumped, chunks restored, a collection at its index build...) plus a seeded random delay,
/// so the kills land in every phase whatever the speed of the machine. Long, and run in CI.
/// </summary>
[Trait("Category", "Long")]
public sealed class KillAndResumeTests(KillTestServers servers) : IClassFixture<KillTestServers>, IDisposable
{
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
        var statePath = Path.Combine(_work, jobId);
        var log = new List<string>();
        var signals = 0;

        // When each run is killed: at a moment of the job, then after a random delay of up to the given milliseconds.
        (string Moment, Func<JobSnapshot, JobSnapshot, bool> Reached, int Jitter)[] plan =
        [
            ("while starting", (_, _) => true, 1500),
            ("once the job exists (planning)", (_, now) => now.Exists, 150),
            ("once a chunk is dumped or restored", (start, now) => now.Dumped + now.Restored > start.Dumped + start.Restored || AllRestored(now), 200),
            ("once a chunk is restored", (start, now) => now.Restored > start.Restored || AllRestored(now), 300),
            ("once two more chunks are restored", (start, now) => now.Restored >= start.Restored + 2 || AllRestored(now), 300),
            ("once a collection is copied (index build, verification)", (start, now) => now.Copied + now.Completed > start.Copied + start.Completed || now.Restored == now.Chunks, 100),
            ("once a chunk is restored", (start, now) => now.Restored > start.Restored || AllRestored(now), 600),
            ("once a collection is copied (index build, verification)", (start, now) => now.Copied + now.Completed > start.Copied + start.Completed, 50),
            ("once a chunk is restored", (start, now) => now.Restored > start.Restored || AllRestored(now), 300),
            ("at any moment", (_, _) => true, 4000),
        ];
        for (var run = 0; run < plan.Length; run++)
        {
            var (moment, reached, jitter) = plan[run];
            var start = await JobSnapshot.ReadAsync(statePath, jobId, Ct);
            if (start.Chunks > 0 && start.Restored == start.Chunks)
            {
                // Every chunk is in: what is left is index builds, verification and the end of the job.
                (moment, reached, jitter) = ("after the copy (index builds, verification)", (_, _) => true, 400);
            }

            await using var child = ChildProcess.Start(Arguments(jobId, method, database, resume: start.Exists), Environment());
            if (run == 2)
            {
                await AssertASecondProcessIsRefusedAsync(jobId, method, database, child);
            }

            if (!await WaitForAsync(child, statePath, jobId, start, reached))
            {
                log.Add($"run {run + 1} finished before the moment '{moment}'");
                break;
            }

            await Task.Delay(random.Next(jitter), Ct);
            var interrupt = run == 4 && !OperatingSystem.IsWindows();
            if (interrupt)
            {
                // Ctrl+C instead of a kill: the run stops itself and records a resumable state. Only once the run holds
                // the job's lock is it surely past the runtime's start, where SIGINT still ends a process with 130.
                if (await WaitForLockAsync(jobId, child))
                {
                    await child.InterruptAsync(Ct);
                }

                var code = await child.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
                if (code == 130)
                {
                    // The signal came once the run had finished and let go of Ctrl+C, as the process ended: the runtime's
                    // default then ends it with 130. Only a job already completed may end so.
                    var ended = await JobSnapshot.ReadAsync(statePath, jobId, Ct);
                    Assert.True(ended.Status == "Completed", $"exit 130 with the job {ended.Status}: {child.Error}");
                }
                else
                {
                    Assert.True(code == 1 || (code == 0 && child.Output.Contains("\"completed\"", StringComparison.Ordinal)), $"exit {code}: {child.Error}");
                }

                if (code == 1)
                {
                    using var stopped = JsonDocument.Parse(child.Output);
                    Assert.True(stopped.RootElement.GetProperty("status").GetString() == "stopped", child.Output + child.Error);
                    Assert.Equal("stopped", stopped.RootElement.GetProperty("status").GetString());
                    Assert.Contains("--resume --job-id", stopped.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
                    Assert.Equal("Stopped", (await JobSnapshot.ReadAsync(statePath, jobId, Ct)).Status);
                }
            }
            else
            {
                await child.KillAsync(Ct);
            }

            signals++;
            var after = await JobSnapshot.ReadAsync(statePath, jobId, Ct);
            log.Add($"run {run + 1} {(interrupt ? "interrupted (SIGINT)" : "killed")} {moment}: {after}");
            if (run == 3)
            {
                await AssertJobsShowsItInterruptedAsync(jobId);
            }
        }

        await using var last = ChildProcess.Start(Arguments(jobId, method, database, resume: true), Environment());
        var exit = await last.WaitForExitAsync(TimeSpan.FromMinutes(3), Ct);
        Assert.True(exit == 0, $"exit {exit}: {last.Error}\n{last.Output}\n{string.Join("\n", log)}");
        using (var summary = JsonDocument.Parse(last.Output))
        {
            var root = summary.RootElement;
            Assert.Equal("completed", root.GetProperty("status").GetString());
            Assert.True(root.GetProperty("verified").GetBoolean());
            Assert.True(root.GetProperty("resumed").GetBoolean());
            Assert.Equal(_servers.Documents, root.GetProperty("documents").GetInt64());
            log.Add($"final run: completed and verified; it copied {root.GetProperty("documentsThisRun").GetInt64()} of the {_servers.Documents} documents");
        }

        await TargetComparison.AssertEqualAsync(_servers.SourceClient, _servers.TargetClient, KillTestServers.Database, database, Ct);
        Assert.True(signals >= 6, string.Join("\n", log));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_work, jobId), "*.bson*", SearchOption.AllDirectories));
        TestContext.Current.SendDiagnosticMessage($"kill test, {method}, seed {seed}:\n  {string.Join("\n  ", log)}");
    }

    /// <summary>A fast copy may restore the last chunks before a moment that counts chunks: the end of the copy is the moment then.</summary>
    private static bool AllRestored(JobSnapshot now) => now.Chunks > 0 && now.Restored == now.Chunks;

    private string[] Arguments(string jobId, string method, string database, bool resume)
    {
        string[] args =
        [
            "migrate", "--work-dir", _work, "--job-id", jobId, "--method", method, "--chunk-size", "1MB",
            "--dump-workers", "3", "--restore-workers", "3", "--from", $"{KillTestServers.Database}.*", "--to", $"{database}.*", "--json",
        ];
        return resume ? [.. args, "--resume"] : args;
    }

    /// <summary>The URIs come from the environment, as a script that keeps secrets out of the command line would give them.</summary>
    private Dictionary<string, string> Environment() => new()
    {
        ["MONGOMIGRATE_SOURCE"] = _servers.SourceUri,
        ["MONGOMIGRATE_TARGET"] = _servers.TargetUri,
    };

    /// <summary>Watches the job's state until the moment is reached (true) or the run ends by itself (false).</summary>
    private static async Task<bool> WaitForAsync(ChildProcess child, string jobDirectory, string jobId, JobSnapshot start, Func<JobSnapshot, JobSnapshot, bool> reached)
    {
        var watch = Stopwatch.StartNew();
        while (!child.HasExited)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the run neither reached its moment nor ended");
            if (reached(start, await JobSnapshot.ReadAsync(jobDirectory, jobId, Ct)))
            {
                return true;
            }

            await Task.Delay(25, Ct);
        }

        return false;
    }

    private async Task AssertASecondProcessIsRefusedAsync(string jobId, string method, string database, ChildProcess holder)
    {
        // Once the child has taken the lock (it then writes who it is beside it), a second run of the job must refuse.
        Assert.True(await WaitForLockAsync(jobId, holder), holder.Error);
        var (code, _, error) = await CliRunner.RunAsync(
            "migrate", "--resume", "--job-id", jobId, "--work-dir", _work, "--source", _servers.SourceUri, "--target", _servers.TargetUri,
            "--method", method, "--from", $"{KillTestServers.Database}.*", "--to", $"{database}.*");

        Assert.Equal(1, code);
        Assert.Contains($"Job {jobId} is already running in another mongomigrate process (pid {holder.Id} ", error, StringComparison.Ordinal);
    }

    /// <summary>Waits until the child holds the job's lock (true): it writes who it is beside the lock once it has it. False if it ended first.</summary>
    private async Task<bool> WaitForLockAsync(string jobId, ChildProcess holder)
    {
        var owner = Path.Combine(_work, jobId, "lock.owner");
        var watch = Stopwatch.StartNew();
        while (!(File.Exists(owner) && (await File.ReadAllTextAsync(owner, Ct)).Contains($"pid {holder.Id} ", StringComparison.Ordinal)))
        {
            if (holder.HasExited)
            {
                return false;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the child never took the job's lock");
            await Task.Delay(20, Ct);
        }

        return true;
    }

    private async Task AssertJobsShowsItInterruptedAsync(string jobId)
    {
        var (code, output, error) = await CliRunner.RunAsync("jobs", "--work-dir", _work, "--json");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var job = json.RootElement.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("jobId").GetString() == jobId);
        Assert.Equal("interrupted", job.GetProperty("state").GetString());
        Assert.Contains("--resume", job.GetProperty("resumeCommand").GetString(), StringComparison.Ordinal);
    }
}
