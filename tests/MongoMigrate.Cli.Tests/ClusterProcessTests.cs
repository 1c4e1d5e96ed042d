using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MongoMigrate.Testing;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// The cluster as users run it: three `mongomigrate worker --cluster` processes against PostgreSQL and two sandbox
/// processes, a job submitted by `migrate --cluster`; the worker that holds leases is killed with SIGKILL after a few
/// chunks and a fourth joins mid-job. The job must complete within a bound, the fourth worker must copy chunks,
/// `jobs --cluster --json` must show each worker's progress and the killed one dead, and the target must equal the
/// source. Every wait reads `jobs --cluster --json`, never a clock. Long, and run in CI.
/// </summary>
[Trait("Category", "Long")]
public sealed class ClusterProcessTests(ClusterTestServers servers) : IClassFixture<ClusterTestServers>, IDisposable
{
    private const string JobId = "cluster-kill";
    private const string TargetDatabase = "clustered";
    private static readonly TimeSpan JobBound = TimeSpan.FromMinutes(8);

    private readonly ClusterTestServers _servers = servers;
    private readonly string _work = Directory.CreateTempSubdirectory("mm-cluster-processes-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Set when a test failed: its work folder (the processes' logs) is kept and named in the failure.
    private bool _keep;

    public void Dispose()
    {
        if (!_keep)
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    public async Task A_job_outlives_a_killed_worker_takes_a_new_one_and_ends_equal()
    {
        await using var database = await ClusterTestDatabase.CreateAsync(Ct);
        var cluster = database.ConnectionString;
        var workers = new List<(int Port, ChildProcess Process)>();
        ChildProcess? submitter = null;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                workers.Add(await StartWorkerAsync(cluster, $"worker{i + 1}"));
            }

            var watch = Stopwatch.StartNew();
            await using var migrate = ChildProcess.Start(
                ["migrate", "--cluster", cluster, "--job-id", JobId, "--work-dir", Path.Combine(_work, "submitter"), "--method", "dump-restore", "--chunk-size", "1MB",
                    "--dump-workers", "3", "--restore-workers", "3", "--from", $"{ClusterTestServers.Database}.*", "--to", $"{TargetDatabase}.*"],
                new Dictionary<string, string> { ["MONGOMIGRATE_SOURCE"] = _servers.SourceUri, ["MONGOMIGRATE_TARGET"] = _servers.TargetUri });
            submitter = migrate;

            // A few chunks done: kill a worker that has copied chunks and holds leases now.
            var before = await WaitForAsync(cluster, migrate, s => s.Job is { Done: >= 3 } job && job.Workers.Any(Holding), "three chunks done and a worker holding leases");
            var victimSilo = before.Job!.Workers.Where(Holding).MaxBy(w => w.Leased)!;
            var victim = workers.Single(w => PortOf(victimSilo.Silo) == w.Port);
            var killedAt = watch.Elapsed;
            await victim.Process.KillAsync(Ct);

            // A fourth worker joins mid-job.
            var fourth = await StartWorkerAsync(cluster, "worker4");
            workers.Add(fourth);
            var joinedAt = watch.Elapsed;
            var joined = await WaitForAsync(cluster, migrate, s => s.Job is { } job && (job.Phase != "running" || job.Workers.Any(w => PortOf(w.Silo) == fourth.Port && w.Copied > 0)), "the fourth worker copying a chunk");
            Assert.True(joined.Job!.Phase == "running", $"the job ended before the fourth worker copied a chunk: {joined.Raw}");
            var dead = await WaitForAsync(cluster, null, s => s.Silos.Any(silo => silo.Status == "dead" && PortOf(silo.Silo) == victim.Port), "the killed worker shown dead");
            var deadAt = watch.Elapsed;

            await WaitForAsync(cluster, null, s => s.Job is { Phase: not "running" }, "the job's end");
            var completedAt = watch.Elapsed;
            var exit = await ExitOfAsync(migrate);
            Assert.True(exit == 0, $"exit {exit}: {migrate.Error}\n{migrate.Output}");
            Assert.Contains($"Job {JobId} completed", migrate.Output, StringComparison.Ordinal);
            Assert.Contains("verified equal", migrate.Output, StringComparison.Ordinal);

            var end = await ReadAsync(cluster);
            var job = end.Job!;
            Assert.Equal("completed", job.Phase);
            Assert.Equal(job.Chunks, job.Done);
            Assert.Equal(_servers.Documents, job.Documents);
            Assert.Equal(job.Chunks, job.Workers.Sum(w => w.Copied));
            Assert.True(job.Reclaimed > 0, end.Raw);
            Assert.Equal(0, job.Workers.Sum(w => w.Leased));
            Assert.Contains(job.Workers, w => PortOf(w.Silo) == fourth.Port && w.Copied > 0 && w.Status == "active");
            Assert.Contains(job.Workers, w => PortOf(w.Silo) == victim.Port && w.Status == "dead");
            Assert.Equal(3, end.Silos.Count(s => s.Status == "active"));
            Assert.Single(end.Silos, s => s.Status == "dead");
            await TargetComparison.AssertEqualAsync(_servers.SourceClient, _servers.TargetClient, ClusterTestServers.Database, TargetDatabase, Ct);

            TestContext.Current.SendDiagnosticMessage(string.Create(
                CultureInfo.InvariantCulture,
                $"cluster process test: {job.Chunks} chunks, {job.Documents} documents; killed worker on port {victim.Port} at {killedAt.TotalSeconds:0.0} s holding {victimSilo.Leased} lease(s) after {before.Job.Done} chunks; "
                + $"fourth worker joined at {joinedAt.TotalSeconds:0.0} s, shown dead at {deadAt.TotalSeconds:0.0} s ({dead.Job?.Done} chunks done then), job completed at {completedAt.TotalSeconds:0.0} s; "
                + $"{job.Reclaimed} chunk(s) reclaimed; chunks per worker: {string.Join(", ", job.Workers.Select(w => $"{PortOf(w.Silo)} {w.Status} {w.Copied}"))}"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _keep = true;
            var processes = workers.Select((w, i) => ($"worker{i + 1} (port {w.Port})", $"worker{i + 1}", w.Process)).ToList();
            if (submitter is not null)
            {
                processes.Add(("migrate --cluster", "submitter", submitter));
            }

            throw new Xunit.Sdk.XunitException($"{e.Message}\n{Diagnostics(processes)}", e);
        }
        finally
        {
            foreach (var (_, process) in workers)
            {
                await process.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Migrate_on_the_cluster_with_json_prints_nothing_but_one_object_at_the_end()
    {
        await using var database = await ClusterTestDatabase.CreateAsync(Ct);
        var cluster = database.ConnectionString;
        var (_, worker) = await StartWorkerAsync(cluster, "json-worker");
        await using (worker)
        {
            await using var migrate = ChildProcess.Start(
                ["migrate", "--cluster", cluster, "--job-id", "cluster-json", "--work-dir", Path.Combine(_work, "json-submitter"), "--json",
                    "--exclude", $"{ClusterTestServers.Database}.padded", "--from", $"{ClusterTestServers.Database}.*", "--to", "clusterjson.*"],
                new Dictionary<string, string> { ["MONGOMIGRATE_SOURCE"] = _servers.SourceUri, ["MONGOMIGRATE_TARGET"] = _servers.TargetUri });

            var exit = await migrate.WaitForExitAsync(JobBound, Ct);

            Assert.True(exit == 0, $"exit {exit}: {migrate.Error}\n{migrate.Output}");
            var line = Assert.Single(migrate.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal("cluster-json", root.GetProperty("jobId").GetString());
            Assert.Equal("completed", root.GetProperty("status").GetString());
            Assert.Equal(_servers.Documents - ClusterTestServers.PaddedDocuments, root.GetProperty("documents").GetInt64());
            Assert.True(root.GetProperty("verified").GetBoolean(), line);
            Assert.True(root.GetProperty("elapsedSeconds").GetDouble() > 0, line);
            Assert.True(root.GetProperty("documentsPerSecond").GetDouble() > 0, line);
            var chunks = root.GetProperty("chunks").GetInt32();
            Assert.Equal(chunks, root.GetProperty("done").GetInt32());
            var copier = Assert.Single(root.GetProperty("workers").EnumerateArray());
            Assert.Equal(chunks, copier.GetProperty("copied").GetInt32());
            Assert.DoesNotContain(new Npgsql.NpgsqlConnectionStringBuilder(cluster).Password!, line, StringComparison.Ordinal);
        }
    }

    /// <summary>What each process said (stdout, stderr) and logged from warnings up (its work folder's mongomigrate-cluster.log, kept).</summary>
    private string Diagnostics(IEnumerable<(string Name, string Folder, ChildProcess Process)> processes)
    {
        var text = new System.Text.StringBuilder($"Work folder kept: {_work}\n");
        foreach (var (name, folder, process) in processes)
        {
            var log = Path.Combine(_work, folder, "mongomigrate-cluster.log");
            var warnings = File.Exists(log)
                ? File.ReadAllLines(log).Where(l => l.Contains(" Warning ", StringComparison.Ordinal) || l.Contains(" Error ", StringComparison.Ordinal) || l.Contains(" Critical ", StringComparison.Ordinal) || l.StartsWith(' ') || l.StartsWith("   at ", StringComparison.Ordinal)).TakeLast(60)
                : [];
            text.Append(CultureInfo.InvariantCulture, $"--- {name}{(Exited(process) ? " (exited)" : string.Empty)}\nstdout:\n{Tail(process.Output)}\nstderr:\n{Tail(process.Error)}\nlog ({log}), warnings and errors:\n{string.Join('\n', warnings)}\n");
        }

        return text.ToString();
    }

    private static bool Exited(ChildProcess process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            // Disposed already (the test's `await using` ended before the failure was caught).
            return true;
        }
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));

    /// <summary>The submitter's exit code once the job has ended (it hears of the end within seconds).</summary>
    private static async Task<int> ExitOfAsync(ChildProcess migrate)
    {
        try
        {
            return await migrate.WaitForExitAsync(TimeSpan.FromMinutes(2), Ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"migrate --cluster did not end after its job did: {migrate.Output}{migrate.Error}");
            throw;
        }
    }

    private static bool Holding(WorkerEntry worker) => worker.Leased > 0 && worker.Copied > 0;

    private async Task<(int Port, ChildProcess Process)> StartWorkerAsync(string cluster, string name)
    {
        var port = FreePortPair();
        var process = ChildProcess.Start(
            ["worker", "--cluster", cluster, "--port", port.ToString(CultureInfo.InvariantCulture), "--work-dir", Path.Combine(_work, name), "--dump-workers", "1", "--restore-workers", "1"]);
        var line = await process.FirstLineAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.True(line.StartsWith($"Worker on port {port} joined", StringComparison.Ordinal), line + process.Error);
        return (port, process);
    }

    /// <summary>Asks `jobs --cluster --json` again until the condition holds; fails if the submitting process ended first or the bound passes.</summary>
    private static async Task<ClusterListing> WaitForAsync(string cluster, ChildProcess? migrate, Func<ClusterListing, bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var exited = migrate?.HasExited ?? false;
            var listing = await ReadAsync(cluster);
            if (condition(listing))
            {
                return listing;
            }

            if (exited)
            {
                Assert.Fail($"migrate ended before {what}: {migrate!.Output}{migrate.Error}\n{listing.Raw}");
            }

            Assert.True(watch.Elapsed < JobBound, $"no {what} within {JobBound}: {listing.Raw}");
            await Task.Delay(200, Ct);
        }
    }

    private static async Task<ClusterListing> ReadAsync(string cluster)
    {
        var (code, output, error) = await CliRunner.RunAsync("jobs", "--cluster", cluster, "--json");
        Assert.True(code == 0, error);
        return ClusterListing.Parse(output);
    }

    /// <summary>The port of a silo named as Orleans parses it back: "127.0.0.1:11111@123456".</summary>
    private static int PortOf(string silo) => int.Parse(silo[(silo.IndexOf(':', StringComparison.Ordinal) + 1)..silo.IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);

    /// <summary>A port whose next one is free too (the worker's gateway).</summary>
    private static int FreePortPair()
    {
        while (true)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= 65534)
            {
                continue;
            }

            try
            {
                using var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }

    private sealed record SiloEntry(string Silo, string Status);

    private sealed record WorkerEntry(string Silo, string Status, int Leased, int Copied);

    private sealed record JobEntry(string Phase, int Chunks, int Done, int Reclaimed, long Documents, IReadOnlyList<WorkerEntry> Workers);

    /// <summary>What `jobs --cluster --json` said: the silos and their statuses, and the test's job (null before it is submitted).</summary>
    private sealed record ClusterListing(string Raw, IReadOnlyList<SiloEntry> Silos, JobEntry? Job)
    {
        public static ClusterListing Parse(string output)
        {
            using var json = JsonDocument.Parse(output);
            var root = json.RootElement;
            var silos = root.GetProperty("silos").EnumerateArray().Select(s => new SiloEntry(s.GetProperty("silo").GetString()!, s.GetProperty("status").GetString()!)).ToList();
            var job = root.GetProperty("jobs").EnumerateArray().Where(j => j.GetProperty("jobId").GetString() == JobId).Select(j => new JobEntry(
                j.GetProperty("phase").GetString()!,
                j.GetProperty("chunks").GetInt32(),
                j.GetProperty("done").GetInt32(),
                j.GetProperty("reclaimed").GetInt32(),
                j.GetProperty("documents").GetInt64(),
                [.. j.GetProperty("workers").EnumerateArray().Select(w => new WorkerEntry(w.GetProperty("silo").GetString()!, w.GetProperty("status").GetString()!, w.GetProperty("leased").GetInt32(), w.GetProperty("copied").GetInt32()))])).SingleOrDefault();
            return new ClusterListing(output, silos, job);
        }
    }
}
