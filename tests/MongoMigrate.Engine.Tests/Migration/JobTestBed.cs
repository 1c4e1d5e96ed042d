using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Datasets;
using MongoMigrate.Engine.ChunkStorage;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>
/// Two sandboxes over TCP, a work folder, and a small dataset that still makes several chunks: padded
/// documents with Int64 _ids (about 2 MB), events with every kind of _id mixed (several type brackets),
/// customers with ObjectIds and a unique index. What the resume, fault and crash tests share, one per test
/// class: each test uses its own job ids and target database, and clears the faults it programs.
/// </summary>
public sealed class JobTestBed : IAsyncLifetime
{
    public const string Database = "app";

    public SandboxServer Source { get; private set; } = null!;

    public SandboxServer Target { get; private set; } = null!;

    public string Work { get; } = Directory.CreateTempSubdirectory("mm-resume-").FullName;

    public IMongoClient SourceClient { get; private set; } = null!;

    public IMongoClient TargetClient { get; private set; } = null!;

    public WorkerPoolCoordinator Coordinator { get; } = new();

    public long TotalDocuments => Specs.Sum(s => s.Documents);

    public static IReadOnlyList<CollectionSpec> Specs { get; } =
    [
        new CollectionSpec { Name = "padded", Documents = 2000, Ids = IdKind.Int64, Body = DocumentShapes.Padded(1000) },
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
        Source = await SandboxServer.StartAsync(cancellationToken: cancellationToken);
        Target = await SandboxServer.StartAsync(cancellationToken: cancellationToken);
        SourceClient = new MongoClient(Source.ConnectionString);
        TargetClient = new MongoClient(Target.ConnectionString);
        await new DatasetWriter(SourceClient).WriteAllAsync(Database, Specs, seed: 5, progress: null, cancellationToken);
    }

    /// <summary>Options for a job writing to <paramref name="targetDatabase"/>: 1 MB chunks, three workers each side, short retry waits.</summary>
    public MigrationOptions Options(CopyMethod method, string jobId, string targetDatabase = Database) => new()
    {
        JobId = jobId,
        Method = method,
        WorkDirectory = Work,
        ChunkSizeBytes = 1024 * 1024,
        DumpWorkers = 3,
        RestoreWorkers = 3,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        Selection = targetDatabase == Database
            ? Engine.Namespaces.NamespaceSelection.All
            : new Engine.Namespaces.NamespaceSelection([$"{Database}.*"], [], [($"{Database}.*", $"{targetDatabase}.*")]),
    };

    internal MigrationJob Job(MigrationOptions options, Func<IJobStateStore, IJobStateStore>? wrapState = null, IChunkFileSystem? fileSystem = null) =>
        new(MongoEndpoint.Parse("source", Source.ConnectionString), MongoEndpoint.Parse("target", Target.ConnectionString), options, Coordinator, NullLoggerFactory.Instance)
        {
            StateStoreFactory = wrapState is null ? null : async (path, token) => wrapState(await SqliteJobStateStore.OpenAsync(path, cancellationToken: token)),
            FileSystem = fileSystem,
        };

    /// <summary>Opens a job's state to look at it (never while the job runs).</summary>
    public Task<SqliteJobStateStore> OpenStateAsync(string jobId, CancellationToken cancellationToken) =>
        SqliteJobStateStore.OpenAsync(JobFolder.StatePath(Path.Combine(Work, jobId)), cancellationToken: cancellationToken);

    public Task AssertTargetEqualsSourceAsync(CancellationToken cancellationToken, string targetDatabase = Database) =>
        TargetComparison.AssertEqualAsync(SourceClient, TargetClient, Database, targetDatabase, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Coordinator.Dispose();
        SourceClient.Dispose();
        TargetClient.Dispose();
        await Source.DisposeAsync();
        await Target.DisposeAsync();
        Directory.Delete(Work, recursive: true);
    }
}
