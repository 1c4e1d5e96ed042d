using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using MongoMigrate.Datasets;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>
/// A collection is the one the job planned, by its UUID, from planning to the end: one dropped or recreated on
/// either side while the job runs fails with the reason, never as an empty success, and a resumed run plans it anew.
/// </summary>
public sealed class CollectionIdentityTests : IAsyncLifetime
{
    private const int Documents = 3000;

    private readonly string _work = Directory.CreateTempSubdirectory("mm-identity-").FullName;
    private readonly WorkerPoolCoordinator _coordinator = new();
    private SandboxServer _source = null!;
    private SandboxServer _target = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _source = await SandboxServer.StartAsync(cancellationToken: Ct);
        _target = await SandboxServer.StartAsync(cancellationToken: Ct);
        using var client = new MongoClient(_source.ConnectionString);
        await FillAsync(client, "victim", "a");
        await FillAsync(client, "victim", "b");
    }

    public async ValueTask DisposeAsync()
    {
        _coordinator.Dispose();
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task A_source_replaced_by_an_empty_server_after_discovery_fails_its_collections_instead_of_completing_empty(CopyMethod method)
    {
        var port = _source.Port;
        var job = Job(Options(method, "replaced"), async (change, _) =>
        {
            if (change == "CreateJob")
            {
                // Killed right after discovery and started again, empty, on the same address.
                await _source.DisposeAsync();
                _source = await SandboxServer.StartAsync(new SandboxOptions { Port = port }, Ct);
            }
        });

        var summary = await job.RunAsync(Ct);

        Assert.Equal(JobStatus.Failed, summary.Status);
        Assert.False(summary.Verified);
        Assert.All(summary.Collections, c =>
        {
            Assert.Equal(CollectionStatus.Failed, c.Status);
            Assert.Contains("no longer exists on the source", c.Error, StringComparison.Ordinal);
            Assert.Null(c.Verification);
        });
        Assert.Contains("no longer exists on the source", summary.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task A_collection_recreated_on_the_source_during_the_copy_fails_and_a_resumed_run_plans_it_anew(CopyMethod method)
    {
        var jobId = $"recreated-{method}";
        var options = Options(method, jobId);
        using var client = new MongoClient(_source.ConnectionString);
        var first = await Job(options, async (change, count) =>
        {
            if (change == "MarkChunkRestored" && count == 1)
            {
                // Dropped and written again with other documents: same name, another collection.
                await client.GetDatabase("victim").DropCollectionAsync("a", Ct);
                await FillAsync(client, "victim", "a", seed: 99);
            }
        }).RunAsync(Ct);

        Assert.Equal(JobStatus.Failed, first.Status);
        var a = Assert.Single(first.Collections, c => c.Status == CollectionStatus.Failed);
        Assert.Equal("victim.a", a.Source);
        Assert.Contains("dropped or recreated on the source", a.Error, StringComparison.Ordinal);
        Assert.Contains("--resume", a.Error, StringComparison.Ordinal);

        var resumed = await Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        Assert.True(resumed.Verified);
        await TargetComparison.AssertEqualAsync(client, new MongoClient(_target.ConnectionString), "victim", "copy", Ct);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task A_collection_dropped_on_the_target_during_the_copy_fails_and_a_resumed_run_copies_it_again(CopyMethod method)
    {
        var jobId = $"targetdropped-{method}";
        var options = Options(method, jobId);
        using var target = new MongoClient(_target.ConnectionString);
        var first = await Job(options, async (change, count) =>
        {
            if (change == "MarkChunkRestored" && count == 2)
            {
                await target.GetDatabase("copy").DropCollectionAsync("b", Ct);
            }
        }).RunAsync(Ct);

        Assert.Equal(JobStatus.Failed, first.Status);
        var failed = Assert.Single(first.Collections, c => c.Status == CollectionStatus.Failed);
        Assert.Contains("dropped or recreated on the target", failed.Error, StringComparison.Ordinal);

        var resumed = await Job(options with { Resume = true }).RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, resumed.Status);
        Assert.True(resumed.Verified);
        using var source = new MongoClient(_source.ConnectionString);
        await TargetComparison.AssertEqualAsync(source, target, "victim", "copy", Ct);
    }

    private MigrationOptions Options(CopyMethod method, string jobId) => new()
    {
        JobId = jobId,
        Method = method,
        WorkDirectory = _work,
        ChunkSizeBytes = 1024 * 1024,
        DumpWorkers = 1,
        RestoreWorkers = 1,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        Selection = new NamespaceSelection(["victim.*"], [], [("victim.*", "copy.*")]),
    };

    /// <summary>A job whose state calls <paramref name="onChange"/> after each change, before the job goes on.</summary>
    private MigrationJob Job(MigrationOptions options, Func<string, int, Task>? onChange = null) =>
        new(MongoEndpoint.Parse("source", _source.ConnectionString), MongoEndpoint.Parse("target", _target.ConnectionString), options, _coordinator, NullLoggerFactory.Instance)
        {
            StateStoreFactory = async (path, token) =>
            {
                var inner = await SqliteJobStateStore.OpenAsync(path, cancellationToken: token);
                return onChange is null ? inner : new CrashingJobStateStore(inner, new MongoClient(_target.ConnectionString), 0, null) { OnChangeAsync = onChange };
            },
        };

    private static Task FillAsync(IMongoClient client, string database, string collection, int seed = 7) =>
        new DatasetWriter(client).WriteAllAsync(
            database,
            [new CollectionSpec { Name = collection, Documents = Documents, Ids = IdKind.Int64, Body = DocumentShapes.Padded(1000) }],
            seed,
            progress: null,
            Ct);
}
