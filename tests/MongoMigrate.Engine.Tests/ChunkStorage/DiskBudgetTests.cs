using MongoMigrate.Engine.ChunkStorage;

namespace MongoMigrate.Engine.Tests.ChunkStorage;

public class DiskBudgetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reservation_that_fits_is_granted_at_once_and_counted()
    {
        var budget = new DiskBudget(100);

        await budget.AcquireAsync(60, Ct);
        await budget.AcquireAsync(40, Ct);

        Assert.Equal(100, budget.Used);
    }

    [Fact]
    public async Task A_reservation_that_does_not_fit_waits_for_a_release_and_waiters_go_in_order()
    {
        var budget = new DiskBudget(100);
        await budget.AcquireAsync(90, Ct);

        var first = budget.AcquireAsync(50, Ct).AsTask();
        var second = budget.AcquireAsync(10, Ct).AsTask();

        // The second would fit (90 + 10), but it queues behind the first: nobody overtakes a waiter.
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        budget.Release(90);
        await first.WaitAsync(Ct);
        await second.WaitAsync(Ct);
        Assert.Equal(60, budget.Used);
    }

    [Fact]
    public async Task A_request_larger_than_the_whole_budget_passes_when_nothing_else_is_held()
    {
        var budget = new DiskBudget(100);
        await budget.AcquireAsync(30, Ct);

        var huge = budget.AcquireAsync(500, Ct).AsTask();
        Assert.False(huge.IsCompleted);

        budget.Release(30);
        await huge.WaitAsync(Ct);
        Assert.Equal(500, budget.Used);
    }

    [Fact]
    public async Task A_cancelled_wait_reserves_nothing_and_does_not_block_the_next_waiter()
    {
        var budget = new DiskBudget(100);
        await budget.AcquireAsync(100, Ct);
        using var cancel = new CancellationTokenSource();

        var abandoned = budget.AcquireAsync(80, cancel.Token).AsTask();
        var next = budget.AcquireAsync(20, Ct).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        budget.Release(100);
        await next.WaitAsync(Ct);
        Assert.Equal(20, budget.Used);
    }

    [Fact]
    public async Task Adjusting_a_reservation_grows_or_shrinks_it_and_a_shrink_wakes_waiters()
    {
        var budget = new DiskBudget(100);
        await budget.AcquireAsync(50, Ct);
        budget.Adjust(30);
        Assert.Equal(80, budget.Used);

        var waiting = budget.AcquireAsync(40, Ct).AsTask();
        Assert.False(waiting.IsCompleted);
        budget.Adjust(-30);

        await waiting.WaitAsync(Ct);
        Assert.Equal(90, budget.Used);
    }
}
