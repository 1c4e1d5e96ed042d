using Microsoft.Extensions.Logging.Abstractions;
using MongoMigrate.Dashboard.Hosting;
using MongoMigrate.Dashboard.Jobs;
using MongoMigrate.Datasets;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Testing;

namespace MongoMigrate.Dashboard.Tests;

/// <summary>
/// A real migration on the test server (the sandbox, or MONGOMIGRATE_TEST_URI) from one database into another,
/// served by a real dashboard on a free loopback port. It starts paused, so a test decides when it moves.
/// </summary>
internal sealed class RunningMigration : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly string _work;

    private RunningMigration(MongoServerFixture server, MigrationJob job, Task<MigrationSummary> run, CancellationTokenSource stop, DashboardServer dashboard, LiveJob live, string work, WorkerPoolCoordinator coordinator)
    {
        Server = server;
        Job = job;
        Run = run;
        _stop = stop;
        Dashboard = dashboard;
        Live = live;
        _work = work;
        Coordinator = coordinator;
        Http = new HttpClient { BaseAddress = dashboard.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public MongoServerFixture Server { get; }

    public MigrationJob Job { get; }

    public Task<MigrationSummary> Run { get; }

    public DashboardServer Dashboard { get; }

    public LiveJob Live { get; }

    public WorkerPoolCoordinator Coordinator { get; }

    /// <summary>A client of the dashboard, without a token.</summary>
    public HttpClient Http { get; }

    public string JobId => Job.JobId;

    /// <summary>The database copied from (its collections c000, c001...).</summary>
    public required string SourceDatabase { get; init; }

    /// <summary>The database copied into.</summary>
    public required string TargetDatabase { get; init; }

    /// <summary>The job's work folder.</summary>
    public string WorkDirectory => _work;

    /// <param name="server">The test server.</param>
    /// <param name="name">Names the job and its databases.</param>
    /// <param name="collections">How many collections of padded documents (about 1.5 MB, two chunks each).</param>
    /// <param name="options">The dashboard's options (loopback, no token by default).</param>
    /// <param name="sourceUri">Another source URI (one with a password, say) instead of the server's.</param>
    /// <param name="online">Follow the source's changes (migrate --online) until a cutover.</param>
    /// <param name="typedSourceUri">
    /// The source URI as a user typed it (one with a password, say), handed to the dashboard and to its verifier while the
    /// copy itself reads the server: the dashboard's own answers then carry what a job's secret could leak through.
    /// </param>
    public static async Task<RunningMigration> StartAsync(MongoServerFixture server, string name, int collections = 3, DashboardOptions? options = null, string? sourceUri = null, bool online = false, string? typedSourceUri = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var source = server.NewDatabaseName(name + "src");
        var target = server.NewDatabaseName(name + "dst");
        if (sourceUri is null)
        {
            var specs = Enumerable.Range(0, collections)
                .Select(i => new CollectionSpec { Name = $"c{i:D3}", Documents = 1500, Ids = IdKind.Int64, Body = DocumentShapes.Padded(1000) })
                .ToList();
            await new DatasetWriter(server.Client).WriteAllAsync(source, specs, seed: 7, progress: null, cancellationToken);
        }

        var work = Directory.CreateTempSubdirectory("mm-dashboard-").FullName;
        var coordinator = new WorkerPoolCoordinator();
        var migration = new MigrationOptions
        {
            JobId = name,
            WorkDirectory = work,
            ChunkSizeBytes = 1024 * 1024,
            DumpWorkers = 1,
            RestoreWorkers = 1,
            RetryDelay = TimeSpan.FromMilliseconds(5),
            MaxChunkAttempts = 1,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Online = online,
            Selection = new NamespaceSelection([$"{source}.*"], [], [($"{source}.*", $"{target}.*")]),
        };
        var sourceEndpoint = MongoEndpoint.Parse("source", sourceUri ?? server.ConnectionString);
        var targetEndpoint = MongoEndpoint.Parse("target", server.ConnectionString);
        var job = new MigrationJob(sourceEndpoint, targetEndpoint, migration, coordinator, NullLoggerFactory.Instance);
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = job.RunAsync(stop.Token);
        await Task.WhenAny(job.Started, run);
        if (!run.IsCompleted)
        {
            job.Steering.Pause();
        }

        var dashboard = await DashboardServer.StartAsync(options ?? new DashboardOptions(), cancellationToken: cancellationToken);
        // A host that handed over the URI as typed: the dashboard masks its password all the same.
        var live = dashboard.Add(job, run, stop, new LiveJobInfo
        {
            Kind = "migrate",
            StatePath = JobFolder.StatePath(job.JobDirectory),
            Method = "dump-restore",
            Verification = "full",
            Source = typedSourceUri ?? sourceUri,
            Verifier = new VerifierSetup(typedSourceUri is null ? sourceEndpoint : MongoEndpoint.Parse("source", typedSourceUri), targetEndpoint, coordinator, NullLoggerFactory.Instance) { Workers = 2 },
        });
        return new RunningMigration(server, job, run, stop, dashboard, live, work, coordinator) { SourceDatabase = source, TargetDatabase = target };
    }

    /// <summary>Waits (polling is fine in a test) until <paramref name="condition"/> holds, up to 30 seconds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for {what}");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Lets the job run to its end and returns its summary.</summary>
    public async Task<MigrationSummary> FinishAsync()
    {
        if (Job.Steering.IsPaused)
        {
            Job.Steering.Unpause();
        }

        return await Run;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _stop.CancelAsync();
        await Task.WhenAny(Run);

        await Dashboard.DisposeAsync();
        Coordinator.Dispose();
        _stop.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
