using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;
using MongoMigrate.Sandbox.Faults;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>A restore-pool slot is up to two insert batches in flight, in both methods, whatever the insertion workers.</summary>
public sealed class RestoreSlotTests : IAsyncLifetime
{
    private const int RestoreWorkers = 2;

    private SandboxServer _source = null!;
    private SandboxServer _target = null!;
    private string _work = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _source = await SandboxServer.StartAsync(cancellationToken: Ct);
        _target = await SandboxServer.StartAsync(cancellationToken: Ct);
        _work = Directory.CreateTempSubdirectory("mm-slots-").FullName;
        using var client = new MongoClient(_source.ConnectionString);
        var padding = new string('x', 400);
        foreach (var name in new[] { "a", "b" })
        {
            var documents = Enumerable.Range(0, 6000).Select(i => new BsonDocument { { "_id", i }, { "p", padding } });
            await client.GetDatabase("shop").GetCollection<BsonDocument>(name).InsertManyAsync(documents, cancellationToken: Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await _target.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task A_restore_pool_of_N_never_has_more_than_2N_inserts_in_flight(CopyMethod method)
    {
        // Each insert is held a little on the target, so that the writers of several chunks (three per chunk) overlap.
        _target.Faults.Add(new FailPoint { Commands = ["insert"], Delay = TimeSpan.FromMilliseconds(20), Times = null });
        var inserts = new InFlightCounter("insert");
        using var coordinator = new WorkerPoolCoordinator();
        var options = new MigrationOptions
        {
            Method = method,
            WorkDirectory = _work,
            ChunkSizeBytes = 1024 * 1024,
            DumpWorkers = 4,
            RestoreWorkers = RestoreWorkers,
            InsertionWorkers = 3,
        };
        var job = new MigrationJob(MongoEndpoint.Parse("source", _source.ConnectionString), MongoEndpoint.Parse("target", _target.ConnectionString), options, coordinator, NullLoggerFactory.Instance)
        {
            ConfigureTarget = settings => settings.ClusterConfigurator = cluster => inserts.Watch(cluster),
        };

        var summary = await job.RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.Equal(12000, summary.Documents);
        Assert.True(inserts.Started >= 12, $"{inserts.Started} inserts for 12,000 documents in batches of at most 1,000");
        Assert.InRange(inserts.MostAtOnce, RestoreWorkers, InsertStage.BatchesPerSlot * RestoreWorkers);
    }

    /// <summary>Counts the commands of one name that the client has sent and not yet seen answered.</summary>
    private sealed class InFlightCounter(string commandName)
    {
        private readonly Lock _lock = new();
        private int _now;

        public int MostAtOnce { get; private set; }

        public int Started { get; private set; }

        public void Watch(MongoDB.Driver.Core.Configuration.ClusterBuilder cluster) => cluster
            .Subscribe<CommandStartedEvent>(e => Change(e.CommandName, +1))
            .Subscribe<CommandSucceededEvent>(e => Change(e.CommandName, -1))
            .Subscribe<CommandFailedEvent>(e => Change(e.CommandName, -1));

        private void Change(string name, int delta)
        {
            if (name != commandName)
            {
                return;
            }

            lock (_lock)
            {
                _now += delta;
                if (delta > 0)
                {
                    Started++;
                    MostAtOnce = Math.Max(MostAtOnce, _now);
                }
            }
        }
    }
}
