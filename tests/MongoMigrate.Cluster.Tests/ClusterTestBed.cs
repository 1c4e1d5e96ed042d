using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Cluster.Hosting;
using MongoMigrate.Cluster.Jobs;
using MongoMigrate.Cluster.Planning;
using MongoMigrate.Cluster.Secrets;
using MongoMigrate.Cluster.Workers;
using MongoMigrate.Datasets;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Sandbox;
using MongoMigrate.Testing;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MongoMigrate.Cluster.Tests;

/// <summary>
/// Two servers (sandboxes over TCP, or the real server of MONGOMIGRATE_TEST_URI for both) with a dataset that makes a few
/// dozen chunks, and in-process Orleans clusters of mongomigrate workers whose grain storage outlives any of their silos.
/// </summary>
public sealed class ClusterTestBed : IAsyncLifetime
{
    public const string Database = "app";

    private SandboxServer? _source;
    private SandboxServer? _target;

    public ClusterKey Key { get; } = new("test-cluster-secret");

    public string Work { get; } = Directory.CreateTempSubdirectory("mm-cluster-").FullName;

    public string SourceUri { get; private set; } = string.Empty;

    public string TargetUri { get; private set; } = string.Empty;

    public IMongoClient SourceClient { get; private set; } = null!;

    public IMongoClient TargetClient { get; private set; } = null!;

    public static IReadOnlyList<CollectionSpec> Specs { get; } =
    [
        new CollectionSpec { Name = "padded", Documents = 3000, Ids = IdKind.Int64, Body = DocumentShapes.Padded(1000) },
        new CollectionSpec { Name = "events", Documents = 6000, Ids = IdKind.Mixed, Body = DocumentShapes.Event },
        new CollectionSpec
        {
            Name = "customers",
            Documents = 1000,
            Ids = IdKind.ObjectId,
            Body = DocumentShapes.Customer,
            Indexes = [new BsonBuilder().StartDocument().StartDocument("key").Int32("email", 1).End().String("name", "email_1").Boolean("unique", true).End().ToDocument()],
        },
    ];

    public async ValueTask InitializeAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        if (MongoServerFixture.ExternalUri is { } uri)
        {
            SourceUri = TargetUri = uri;
        }
        else
        {
            _source = await SandboxServer.StartAsync(cancellationToken: cancellationToken);
            _target = await SandboxServer.StartAsync(cancellationToken: cancellationToken);
            SourceUri = _source.ConnectionString;
            TargetUri = _target.ConnectionString;
        }

        SourceClient = new MongoClient(SourceUri);
        TargetClient = new MongoClient(TargetUri);
        await new DatasetWriter(SourceClient).WriteAllAsync(Database, Specs, seed: 7, progress: null, cancellationToken);
    }

    /// <summary>A cluster of <paramref name="silos"/> workers with fast failure detection (probes time out after a second).</summary>
    public async Task<InProcessTestCluster> StartClusterAsync(short silos)
    {
        var rows = new ConcurrentDictionary<string, (object State, string ETag)>();
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(ClusterStorage.Name, (services, _) => new SharedGrainStorage(rows, services.GetRequiredService<DeepCopier>()));
            silo.AddMongoMigrateWorker(new ClusterWorkerOptions { Key = Key, WorkDirectory = Work, RecheckInterval = TimeSpan.FromSeconds(1) });
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1);
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>
    /// Makes the target sandbox answer every command this much later, so that chunks take long enough for a silo to be
    /// killed while it holds some (a real server is left as it is).
    /// </summary>
    public void SlowTarget(TimeSpan latency)
    {
        if (_target is not null)
        {
            _target.Faults.Latency = latency;
        }
    }

    /// <summary>A worker's options: the test key, the test's work folder, a recheck every second.</summary>
    public ClusterWorkerOptions WorkerOptions() => new() { Key = Key, WorkDirectory = Work, RecheckInterval = TimeSpan.FromSeconds(1) };

    /// <summary>Plans a job copying the dataset into <paramref name="targetDatabase"/>, with small chunks and the given pools.</summary>
    public Task<ClusterJobPlan> PlanAsync(string jobId, string targetDatabase, int dumpWorkers, int restoreWorkers, CancellationToken cancellationToken) =>
        PlanAsync(Key, jobId, targetDatabase, dumpWorkers, restoreWorkers, cancellationToken);

    public Task<ClusterJobPlan> PlanAsync(ClusterKey key, string jobId, string targetDatabase, int dumpWorkers, int restoreWorkers, CancellationToken cancellationToken) =>
        new ClusterJobPlanner(key, NullLogger.Instance).PlanAsync(
            new ClusterJobRequest
            {
                JobId = jobId,
                Source = MongoEndpoint.Parse("source", SourceUri),
                Target = MongoEndpoint.Parse("target", TargetUri),
                Selection = new NamespaceSelection([$"{Database}.*"], [], [($"{Database}.*", $"{targetDatabase}.*")]),
                ChunkSizeBytes = 128 * 1024,
                DumpWorkers = dumpWorkers,
                RestoreWorkers = restoreWorkers,
            },
            cancellationToken);

    public Task AssertTargetEqualsSourceAsync(string targetDatabase, CancellationToken cancellationToken) =>
        TargetComparison.AssertEqualAsync(SourceClient, TargetClient, Database, targetDatabase, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        SourceClient.Dispose();
        TargetClient.Dispose();
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        if (_target is not null)
        {
            await _target.DisposeAsync();
        }

        try
        {
            Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
