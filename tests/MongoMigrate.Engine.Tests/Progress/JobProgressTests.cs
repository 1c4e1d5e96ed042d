using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.Progress;

namespace MongoMigrate.Engine.Tests.Progress;

public class JobProgressTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_snapshot_adds_up_the_collections_and_counts_what_was_copied_past_an_estimate()
    {
        var progress = new JobProgress(new FakeTimeProvider());
        var a = progress.Add("db.a", "db.a", 10, 1000);
        var b = progress.Add("db.b", "db.b", 5, 500);

        a.AddCopied(4, 400);
        b.AddCopied(6, 700);

        var snapshot = progress.Snapshot();
        Assert.Equal(10, snapshot.Documents);
        Assert.Equal(1100, snapshot.Bytes);
        // b copied more than its estimate: its own bytes count instead, so the percent never passes what is known.
        Assert.Equal(1000 + 700, snapshot.EstimatedBytes);
        Assert.Equal(100.0 * 1100 / 1700, snapshot.Percent, 6);
    }

    [Fact]
    public void The_rate_is_taken_over_the_last_ten_seconds_and_gives_the_eta()
    {
        var time = new FakeTimeProvider();
        var progress = new JobProgress(time);
        var collection = progress.Add("db.c", "db.c", 1000, 100_000);

        time.Advance(TimeSpan.FromSeconds(20));
        collection.AddCopied(100, 20_000);
        progress.Snapshot();
        time.Advance(TimeSpan.FromSeconds(5));
        collection.AddCopied(100, 10_000);

        var snapshot = progress.Snapshot();
        // 10,000 bytes in the 5 s since the last snapshot, not the 30,000 / 25 s average since the start.
        Assert.Equal(2000, snapshot.BytesPerSecond, 6);
        Assert.Equal(20, snapshot.DocumentsPerSecond, 6);
        Assert.Equal(TimeSpan.FromSeconds(70_000 / 2000.0), snapshot.Eta);
    }

    [Fact]
    public void Samples_older_than_the_window_stop_counting()
    {
        var time = new FakeTimeProvider();
        var progress = new JobProgress(time);
        var collection = progress.Add("db.c", "db.c", 0, 1_000_000);

        progress.Snapshot();
        time.Advance(TimeSpan.FromSeconds(1));
        collection.AddCopied(1, 90_000);
        progress.Snapshot();
        time.Advance(TimeSpan.FromSeconds(30));
        collection.AddCopied(1, 3_000);
        progress.Snapshot();
        time.Advance(TimeSpan.FromSeconds(1));

        var snapshot = progress.Snapshot();
        // Samples older than 10 s are dropped (the last two always stay): the rate is over the last second, when nothing moved.
        Assert.Equal(0, snapshot.BytesPerSecond, 6);
        Assert.Null(snapshot.Eta);
    }

    [Fact]
    public void An_estimate_given_for_the_job_replaces_the_collections_own()
    {
        var progress = new JobProgress(new FakeTimeProvider());
        var collection = progress.Add("db.c", "db.c", 0, 0);
        collection.AddCopied(1, 250);

        progress.SetEstimatedBytes(() => 1000);
        Assert.Equal(1000, progress.Snapshot().EstimatedBytes);
        Assert.Equal(25, progress.Snapshot().Percent, 6);

        progress.SetEstimatedBytes(null);
        Assert.Equal(250, progress.Snapshot().EstimatedBytes);
    }

    [Fact]
    public void The_percent_stays_below_a_hundred_until_the_phase_says_done()
    {
        var progress = new JobProgress(new FakeTimeProvider());
        var collection = progress.Add("db.c", "db.c", 1, 100);
        collection.AddCopied(1, 100);

        Assert.Equal(99.9, progress.Snapshot().Percent, 6);
        Assert.Equal(TimeSpan.Zero, progress.Snapshot().Eta);

        progress.Phase = "done";
        Assert.Equal(100, progress.Snapshot().Percent, 6);
    }

    [Fact]
    public async Task A_waiter_wakes_on_the_change_that_makes_its_condition_true_and_not_before()
    {
        var progress = new JobProgress(new FakeTimeProvider());
        var collection = progress.Add("db.c", "db.c", 3, 300);

        var waiting = progress.WaitUntilAsync(s => s.Collections.Single().ChunksRestored == 2, Ct);
        collection.ChunkRestored();
        await Task.Yield();
        Assert.False(waiting.IsCompleted);

        collection.ChunkRestored();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(2, progress.Snapshot().Collections.Single().ChunksRestored);
    }

    [Fact]
    public async Task A_waiter_is_woken_by_a_phase_change_and_a_true_condition_returns_at_once()
    {
        var progress = new JobProgress(new FakeTimeProvider());

        await progress.WaitUntilAsync(s => s.Phase == "starting", Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var waiting = progress.WaitUntilAsync(s => s.Phase == "copying", Ct);
        Assert.False(waiting.IsCompleted);
        progress.Phase = "copying";
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Ct);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_with_the_cancellation()
    {
        var progress = new JobProgress(new FakeTimeProvider());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var waiting = progress.WaitUntilAsync(_ => false, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
