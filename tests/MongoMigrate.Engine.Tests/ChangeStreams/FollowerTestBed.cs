using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams;
using MongoMigrate.Engine.ChangeStreams.Apply;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Testing;

namespace MongoMigrate.Engine.Tests.ChangeStreams;

/// <summary>
/// An online job's pieces for a test: a source and a target database on the test server, a job in an
/// SQLite state, a worker pool coordinator and a spool folder; a raw copy of the source; a concurrent writer.
/// </summary>
internal sealed class FollowerTestBed : IAsyncDisposable
{
    private readonly string _folder;

    private FollowerTestBed(string folder, MongoServerFixture server, SqliteJobStateStore store, string sourceDb, string[] collections)
    {
        _folder = folder;
        Server = server;
        Store = store;
        SourceDb = sourceDb;
        TargetDb = sourceDb + "_t";
        Collections = collections;
    }

    public const string JobId = "job-online";

    public MongoServerFixture Server { get; }

    public SqliteJobStateStore Store { get; }

    public WorkerPoolCoordinator Pools { get; } = new();

    public string SourceDb { get; }

    public string TargetDb { get; }

    public string[] Collections { get; }

    public IReadOnlyList<NamespaceName> Namespaces => [.. Collections.Select(c => new NamespaceName(SourceDb, c))];

    public string SpoolFolder => Path.Combine(_folder, "spool");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<FollowerTestBed> CreateAsync(MongoServerFixture server, string hint, params string[] collections)
    {
        var folder = Directory.CreateTempSubdirectory("mm-follow-").FullName;
        var store = await SqliteJobStateStore.OpenAsync(Path.Combine(folder, "state.db"), cancellationToken: Ct);
        var now = DateTimeOffset.UnixEpoch;
        await store.CreateJobAsync(new JobRecord { JobId = JobId, DefinitionJson = "{}", Status = JobStatus.Running, CreatedAt = now, UpdatedAt = now }, [], Ct);
        return new FollowerTestBed(folder, server, store, server.NewDatabaseName(hint), collections);
    }

    public IMongoCollection<BsonDocument> Source(string collection) => Server.Client.GetDatabase(SourceDb).GetCollection<BsonDocument>(collection);

    public FollowerSettings Settings(NamespaceGate? gate = null, int restoreWorkers = 4, ApplyOptions? apply = null) => new()
    {
        JobId = JobId,
        Source = Server.Client,
        Target = Server.Client,
        Namespaces = Namespaces,
        TargetOf = ns => new NamespaceName(TargetDb, ns.Collection),
        SpoolFolder = SpoolFolder,
        Checkpoints = Store,
        Pools = Pools,
        RestoreWorkers = restoreWorkers,
        Gate = gate ?? NamespaceGate.AllReady(),
        Capture = new CaptureOptions { MaxAwaitTime = TimeSpan.FromMilliseconds(100), FirstResumeDelay = TimeSpan.FromMilliseconds(20) },
        Spool = new Engine.ChangeStreams.Spool.SpoolOptions { SegmentBytes = 64 * 1024 },
        Apply = apply ?? new ApplyOptions { LaneCount = 8, CheckpointEveryRecords = 50 },
    };

    /// <summary>Copies one collection as the copy phase does: raw documents read from the source, inserted on the target.</summary>
    public async Task CopyAsync(string collection)
    {
        var source = new RawCommandRunner(Server.Client.GetDatabase(SourceDb));
        var target = new RawCommandRunner(Server.Client.GetDatabase(TargetDb));
        await target.RunAsync(new BsonBuilder().StartDocument().String("create", collection).End().ToDocument(), Ct).ConfigureAwait(false);
        var cursor = await RawCursor.OpenAsync(source, new BsonBuilder().StartDocument().String("find", collection).Int32("batchSize", 50).End().ToDocument(), 50, Ct);
        while (await cursor.NextBatchAsync(Ct) is { Count: > 0 } batch)
        {
            var insert = new BsonBuilder().StartDocument().String("insert", collection).StartArray("documents");
            for (var i = 0; i < batch.Count; i++)
            {
                insert.Document(BsonBuilder.Index(i), batch[i]);
            }

            await target.RunAsync(insert.End().Boolean("ordered", false).End().ToDocument(), Ct);
        }
    }

    /// <summary>Waits until everything the source holds now is applied, then compares the target with the source byte for byte.</summary>
    public async Task AssertCaughtUpAndEqualAsync(ChangeStreamFollower follower)
    {
        var now = await SourceClusterTime.ReadAsync(Server.Client, Ct);
        await follower.WaitForAppliedAsync(now, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await TargetComparison.AssertEqualAsync(Server.Client, Server.Client, SourceDb, TargetDb, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        Pools.Dispose();
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
