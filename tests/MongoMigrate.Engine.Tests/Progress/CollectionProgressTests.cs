using MongoMigrate.Engine.Progress;

namespace MongoMigrate.Engine.Tests.Progress;

public class CollectionProgressTests
{
    [Fact]
    public void Counters_start_from_what_the_state_recorded_and_grow_with_the_work()
    {
        var progress = new CollectionProgress("db.src", "db.dst", 100, 10_000);

        progress.SetChunks(total: 5, dumped: 2, restored: 1, documents: 20, bytes: 2000);
        progress.ChunkDumped();
        progress.ChunkRestored();
        progress.ChunkFailed();
        progress.AddCopied(30, 3000);
        progress.SetPhase(CollectionPhase.Indexing);

        Assert.Equal(("db.src", "db.dst", 100L, 10_000L), (progress.Source, progress.Target, progress.EstimatedDocuments, progress.EstimatedBytes));
        Assert.Equal((5, 3, 2, 1), (progress.ChunksTotal, progress.ChunksDumped, progress.ChunksRestored, progress.ChunksFailed));
        Assert.Equal((50L, 5000L), (progress.Documents, progress.Bytes));
        Assert.Equal(CollectionPhase.Indexing, progress.Phase);
    }

    [Fact]
    public async Task Copies_counted_by_many_writers_at_once_are_none_of_them_lost()
    {
        var progress = new CollectionProgress("db.c", "db.c", 0, 0);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(
            () =>
            {
                for (var i = 0; i < 10_000; i++)
                {
                    progress.AddCopied(1, 3);
                }
            },
            TestContext.Current.CancellationToken)));

        Assert.Equal(80_000, progress.Documents);
        Assert.Equal(240_000, progress.Bytes);
    }

    [Fact]
    public void A_collection_starts_waiting()
    {
        Assert.Equal(CollectionPhase.Waiting, new CollectionProgress("db.c", "db.c", 0, 0).Phase);
    }
}
