using MongoMigrate.Bson;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.ServerCommands;
using MongoMigrate.Engine.WorkerPools;
using MongoMigrate.Testing;
using Polly;

namespace MongoMigrate.Engine.Tests.Copying;

public class InsertStageTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_batch_is_inserted_under_a_restore_slot_reaches_the_target_and_is_tallied_and_given_back()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("stage")));
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Restore, 2);
        var owners = new List<Owner>();
        var reported = 0L;
        var stage = new InsertStage(new BatchInserter(runner, "c"), writers: 4, Slots(pool), ResiliencePipeline.Empty)
        {
            Inserted = (batch, result) => Interlocked.Add(ref reported, result.Inserted),
        };

        await stage.RunAsync(
            async (batches, token) =>
            {
                for (var b = 0; b < 10; b++)
                {
                    var documents = Enumerable.Range(0, 100).Select(i => Document((b * 100) + i)).ToList();
                    var owner = new Owner();
                    owners.Add(owner);
                    await batches.WriteAsync(new InsertBatch(documents, documents.Sum(d => (long)d.Length), owner), token);
                }
            },
            Ct);

        Assert.Equal((1000L, 1000L, 0L), (stage.Tally.Documents, stage.Tally.Total.Inserted, stage.Tally.Total.AlreadyPresent));
        Assert.Equal(1000L, Interlocked.Read(ref reported));
        Assert.All(owners, o => Assert.True(o.Disposed));
        Assert.Equal(10L, pool.CompletedCount);
        Assert.Equal(0, pool.ActiveCount);
        var count = await runner.RunAsync(new BsonBuilder().StartDocument().String("count", "c").End().ToDocument(), Ct);
        Assert.True(count.TryGetValue("n", out var n) && n.TryGetInt64(out var stored) && stored == 1000);
    }

    [Fact]
    public async Task Batches_inserted_again_count_as_already_present_and_report_to_their_own_worker()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("again")));
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Restore, 1);
        var documents = Enumerable.Range(0, 50).Select(Document).ToList();
        for (var run = 0; run < 2; run++)
        {
            var stage = new InsertStage(new BatchInserter(runner, "c"), writers: 2, Slots(pool), ResiliencePipeline.Empty);
            await stage.RunAsync(async (batches, token) => await batches.WriteAsync(new InsertBatch(documents, documents.Sum(d => (long)d.Length)), token), Ct);
            Assert.Equal(run == 0 ? new InsertResult(50, 0) : new InsertResult(0, 50), stage.Tally.Total);
        }

        Assert.Equal((2L, 0L), (pool.CompletedCount, pool.FailedCount));
    }

    [Fact]
    public async Task A_failed_read_stops_the_writers_and_is_the_error_thrown()
    {
        var runner = new RawCommandRunner(server.Client.GetDatabase(server.NewDatabaseName("failed")));
        using var pool = new WorkerPoolManager("job", WorkerPoolKind.Restore, 1);
        var stage = new InsertStage(new BatchInserter(runner, "c"), writers: 2, Slots(pool), ResiliencePipeline.Empty);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => stage.RunAsync(
            async (batches, token) =>
            {
                await batches.WriteAsync(new InsertBatch([Document(1)], 32), token);
                throw new InvalidDataException("the dump ends in the middle of a document");
            },
            Ct));

        Assert.Equal("the dump ends in the middle of a document", error.Message);
    }

    private static InsertSlots Slots(WorkerPoolManager pool) => new(pool, "db.c", 0, batch => $"{batch.Count} documents");

    private static RawDocument Document(int id) => new BsonBuilder().StartDocument().Int32("_id", id).String("v", "value").End().ToDocument();

    private sealed class Owner : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
