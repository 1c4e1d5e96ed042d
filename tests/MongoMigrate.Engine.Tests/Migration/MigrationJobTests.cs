using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Engine.Connections;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Sandbox;

namespace MongoMigrate.Engine.Tests.Migration;

public sealed class MigrationJobTests : IAsyncLifetime
{
    private SandboxServer _source = null!;
    private SandboxServer _target = null!;
    private string _work = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _source = await SandboxServer.StartAsync(cancellationToken: Ct);
        _target = await SandboxServer.StartAsync(cancellationToken: Ct);
        _work = Directory.CreateTempSubdirectory("mm-job-").FullName;
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
    public async Task Several_collections_arrive_exactly_and_are_verified(CopyMethod method)
    {
        using var client = new MongoClient(_source.ConnectionString);
        var db = client.GetDatabase("shop");
        await db.GetCollection<BsonDocument>("orders").InsertManyAsync(Enumerable.Range(0, 5000).Select(i => new BsonDocument { { "_id", i }, { "total", i * 1.5 }, { "items", new BsonArray { "a", "b" } } }), cancellationToken: Ct);
        await db.GetCollection<BsonDocument>("users").InsertManyAsync(Enumerable.Range(0, 300).Select(i => new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "email", $"u{i}@x" } }), cancellationToken: Ct);
        await db.GetCollection<BsonDocument>("users").Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{email: 1}", new CreateIndexOptions { Unique = true }), cancellationToken: Ct);
        await db.GetCollection<BsonDocument>("users").Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>("{email: -1, _id: 1}"), cancellationToken: Ct);
        await db.CreateCollectionAsync("empty", cancellationToken: Ct);

        using var coordinator = new WorkerPoolCoordinator();
        var options = new MigrationOptions { Method = method, WorkDirectory = _work, ChunkSizeBytes = 1024 * 1024, DumpWorkers = 3, RestoreWorkers = 2 };
        var job = new MigrationJob(MongoEndpoint.Parse("source", _source.ConnectionString), MongoEndpoint.Parse("target", _target.ConnectionString), options, coordinator, NullLoggerFactory.Instance);

        var summary = await job.RunAsync(Ct);

        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.True(summary.Verified, string.Join("; ", summary.Collections.Select(c => $"{c.Source}: {c.Error}")));
        Assert.Equal(5300, summary.Documents);
        using var target = new MongoClient(_target.ConnectionString);
        var indexes = await (await target.GetDatabase("shop").GetCollection<BsonDocument>("users").Indexes.ListAsync(Ct)).ToListAsync(Ct);
        Assert.Contains(indexes, i => i["name"] == "email_1" && i.GetValue("unique", false).ToBoolean());
        Assert.Contains(indexes, i => i["name"] == "email_-1__id_1");
        Assert.Contains("empty", await (await target.GetDatabase("shop").ListCollectionNamesAsync(cancellationToken: Ct)).ToListAsync(Ct));
    }

    [Fact]
    public async Task Two_jobs_in_one_process_run_on_their_own_pools_under_the_global_limit()
    {
        using var client = new MongoClient(_source.ConnectionString);
        for (var n = 0; n < 2; n++)
        {
            await client.GetDatabase($"db{n}").GetCollection<BsonDocument>("c").InsertManyAsync(Enumerable.Range(0, 8000).Select(i => new BsonDocument { { "_id", i }, { "pad", new string('x', 300) } }), cancellationToken: Ct);
        }

        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 3 });
        var jobs = Enumerable.Range(0, 2).Select(n => new MigrationJob(
            MongoEndpoint.Parse("source", _source.ConnectionString),
            MongoEndpoint.Parse("target", _target.ConnectionString),
            new MigrationOptions { JobId = $"job{n}", WorkDirectory = _work, ChunkSizeBytes = 1024 * 1024, Selection = new NamespaceSelection([$"db{n}.*"], [], []) },
            coordinator,
            NullLoggerFactory.Instance)).ToList();

        var runs = jobs.Select(j => j.RunAsync(Ct)).ToList();
        while (!runs.All(r => r.IsCompleted))
        {
            var snapshot = coordinator.GetSnapshot();
            Assert.True(snapshot.GlobalActive <= 3 && snapshot.Jobs.Sum(j => (j.Dump?.Active ?? 0) + (j.Restore?.Active ?? 0)) <= 3, "the global limit was exceeded");
            await Task.WhenAny(Task.WhenAll(runs), Task.Delay(10, Ct));
        }

        var summaries = await Task.WhenAll(runs);
        Assert.All(summaries, s => Assert.Equal(JobStatus.Completed, s.Status));
        Assert.All(summaries, s => Assert.True(s.Verified));
        Assert.Empty(coordinator.GetSnapshot().Jobs);
    }

    [Fact]
    public async Task A_disk_budget_of_one_chunk_under_a_tight_global_limit_still_finishes()
    {
        using var client = new MongoClient(_source.ConnectionString);
        await client.GetDatabase("tight").GetCollection<BsonDocument>("c").InsertManyAsync(Enumerable.Range(0, 12_000).Select(i => new BsonDocument { { "_id", i }, { "pad", new string('x', 300) } }), cancellationToken: Ct);
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 2 });
        var job = new MigrationJob(
            MongoEndpoint.Parse("source", _source.ConnectionString),
            MongoEndpoint.Parse("target", _target.ConnectionString),
            new MigrationOptions { WorkDirectory = _work, ChunkSizeBytes = 1024 * 1024, DiskBudgetBytes = 1024 * 1024, DumpWorkers = 4, RestoreWorkers = 4 },
            coordinator,
            NullLoggerFactory.Instance);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var summary = await job.RunAsync(timeout.Token);

        Assert.Equal(JobStatus.Completed, summary.Status);
        Assert.True(summary.Verified);
        Assert.True(summary.Collections[0].Chunks > 2);
    }
}
