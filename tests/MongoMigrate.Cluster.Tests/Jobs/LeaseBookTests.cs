using MongoMigrate.Cluster.Jobs;

namespace MongoMigrate.Cluster.Tests.Jobs;

/// <summary>The job grain's rules: shares add up to the job's pools, a chunk is never held twice, a dead silo's chunks come back.</summary>
public sealed class LeaseBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Eight_restore_workers_over_three_silos_are_three_three_and_two()
    {
        string[] silos = ["c", "a", "b"];

        var shares = silos.Select(s => PoolShares.Of(s, silos, dumpWorkers: 8, restoreWorkers: 8)).ToList();

        Assert.Equal(8, shares.Sum(s => s.Restore));
        Assert.Equal(8, shares.Sum(s => s.Dump));
        Assert.Equal([(2, 2), (3, 3), (3, 3)], shares);
    }

    [Fact]
    public void A_silo_never_holds_more_chunks_than_its_share_and_no_chunk_goes_to_two_silos()
    {
        var book = new LeaseBook(LeaseBook.Start(Plan(chunks: 10), Now));
        string[] silos = ["a", "b"];

        var a = book.Lease(Request("a"), silos).Grant;
        var again = book.Lease(Request("a"), silos).Grant;
        var b = book.Lease(Request("b"), silos).Grant;

        Assert.Equal(2, a.Chunks.Count);
        Assert.Empty(again.Chunks);
        Assert.Equal(2, b.Chunks.Count);
        Assert.Empty(a.Chunks.Intersect(b.Chunks));
        Assert.Equal(2, a.DumpShare);
    }

    [Fact]
    public void A_dead_silos_chunks_go_back_to_pending_and_to_another_silo()
    {
        var book = new LeaseBook(LeaseBook.Start(Plan(chunks: 4), Now));
        var held = book.Lease(Request("a"), ["a", "b"]).Grant.Chunks;

        Assert.True(book.Release("a"));
        var taken = book.Lease(Request("b"), ["b"]).Grant.Chunks;

        Assert.Subset(taken.ToHashSet(), held.ToHashSet());
        Assert.Equal(2, book.Status("j").Reclaimed);
    }

    [Fact]
    public void A_lease_the_silo_no_longer_holds_goes_back_to_pending_and_what_it_still_holds_stays_its()
    {
        var book = new LeaseBook(LeaseBook.Start(Plan(chunks: 6), Now));
        var held = book.Lease(Request("a"), ["a", "b"]).Grant.Chunks;
        var others = book.Lease(Request("b"), ["a", "b"]).Grant.Chunks;

        // The silo's completion of held[0] never reached the grain, and it forgot the chunk: it only reports held[1].
        Assert.True(book.Reconcile("a", [held[1]], []));

        var status = book.Status("j");
        Assert.Equal(1, status.LeasesBySilo["a"]);
        Assert.Equal(others.Count, status.LeasesBySilo["b"]);
        Assert.Equal(6 - 1 - others.Count, status.Pending);
        Assert.False(book.Reconcile("a", [held[1]], []));
        Assert.Contains(held[0], book.Lease(Request("b") with { MaxDumpWorkers = 4 }, ["b"]).Grant.Chunks);
    }

    [Fact]
    public void A_collection_the_silo_no_longer_finishes_is_given_to_the_next_silo_that_asks()
    {
        var book = new LeaseBook(LeaseBook.Start(Plan(chunks: 1), Now));
        var lease = Assert.Single(book.Lease(Request("a"), ["a"]).Grant.Chunks);
        Assert.True(book.Complete("a", lease, 10, 100, 1));
        Assert.Equal([0], book.Lease(Request("a"), ["a"]).Grant.Finishes);

        Assert.False(book.Reconcile("a", [], [0]));
        Assert.True(book.Reconcile("a", [], []));

        Assert.Equal([0], book.Lease(Request("b"), ["a", "b"]).Grant.Finishes);
        Assert.False(book.Finish("a", 0, 10, null));
        Assert.True(book.Finish("b", 0, 10, null));
        Assert.Equal(ClusterJobPhase.Completed, book.State.Phase);
    }

    [Fact]
    public void The_job_completes_once_every_chunk_is_proven_and_every_collection_finished()
    {
        var book = new LeaseBook(LeaseBook.Start(Plan(chunks: 2), Now));
        var leases = book.Lease(Request("a", dump: 4), ["a"]).Grant.Chunks;
        foreach (var lease in leases)
        {
            Assert.True(book.Complete("a", lease, 10, 100, 1));
        }

        Assert.False(book.Complete("b", leases[0], 10, 100, 1));
        var finish = book.Lease(Request("a"), ["a"]).Grant.Finishes;
        Assert.Equal([0], finish);
        Assert.Equal(ClusterJobPhase.Running, book.State.Phase);

        Assert.True(book.Finish("a", 0, 20, null));

        var status = book.Status("j");
        Assert.Equal(ClusterJobPhase.Completed, status.Phase);
        Assert.Equal(20, status.Documents);
        Assert.True(book.Lease(Request("a"), ["a"]).Grant.Ended);
    }

    [Fact]
    public void Pool_sizes_changed_live_change_what_a_silo_may_hold()
    {
        var book = new LeaseBook(LeaseBook.Start(Plan(chunks: 10), Now));
        Assert.Equal(2, book.Lease(Request("a"), ["a", "b"]).Grant.Chunks.Count);

        book.State.DumpWorkers = 8;
        book.State.RestoreWorkers = 8;
        var grant = book.Lease(Request("a"), ["a", "b"]).Grant;

        Assert.Equal(4, grant.DumpShare);
        Assert.Equal(2, grant.Chunks.Count);
    }

    [Fact]
    public void A_process_cap_lowers_its_share()
    {
        var book = new LeaseBook(LeaseBook.Start(Plan(chunks: 10), Now));

        var grant = book.Lease(Request("a") with { MaxDumpWorkers = 1 }, ["a"]).Grant;

        Assert.Equal(1, grant.DumpShare);
        Assert.Single(grant.Chunks);
    }

    private static LeaseRequest Request(string silo, int dump = int.MaxValue) => new() { Silo = silo, MaxDumpWorkers = dump };

    private static ClusterJobPlan Plan(int chunks) => new()
    {
        JobId = "j",
        SealedSource = "s",
        SealedTarget = "t",
        Display = "source -> target",
        DumpWorkers = 4,
        RestoreWorkers = 4,
        Collections =
        [
            new PlannedCollection
            {
                SourceNamespace = "app.c",
                TargetNamespace = "app.c",
                Options = [5, 0, 0, 0, 0],
                Indexes = [],
                Chunks = [.. Enumerable.Range(0, chunks).Select(i => new PlannedChunk(i, [5, 0, 0, 0, 0], $"chunk {i}"))],
            },
        ],
    };
}
