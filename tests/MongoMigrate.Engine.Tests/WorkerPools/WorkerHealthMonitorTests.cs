using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.WorkerPools;
using static MongoMigrate.Engine.Tests.WorkerPools.WorkerPoolTestSupport;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class WorkerHealthMonitorTests
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new();

    private WorkerPoolCoordinator NewCoordinator() =>
        new(new WorkerPoolCoordinatorOptions { StuckWorkerTimeout = StuckAfter, HealthCheckInterval = Interval }, _time);

    [Fact]
    public void A_worker_without_progress_for_the_timeout_is_declared_stuck_and_cancelled()
    {
        using var coordinator = NewCoordinator();
        var pool = coordinator.GetOrCreateDumpPool("job", 2);
        var worker = coordinator.RegisterDumpWorker("job", "db.coll", "dump-1", cancellationToken: Ct);

        Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(WorkerState.Running, worker.State);
        worker.ReportProgress(10, 1_000);
        Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(WorkerState.Running, worker.State);
        Assert.False(worker.CancellationToken.IsCancellationRequested);
        Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(WorkerState.Stuck, worker.State);
        Assert.True(worker.CancellationToken.IsCancellationRequested);
        Assert.Equal(1, pool.StuckCount);
        var shown = Assert.Single(coordinator.GetJobSnapshot("job")!.Dump!.Workers);
        Assert.Equal(WorkerState.Stuck, shown.State);
        Assert.Equal(1, coordinator.GetSnapshot().Jobs[0].Dump!.Stuck);
    }

    [Fact]
    public void A_stuck_worker_is_declared_only_once_and_leaves_when_it_returns()
    {
        using var coordinator = NewCoordinator();
        var pool = coordinator.GetOrCreateRestorePool("job", 1);
        coordinator.RegisterRestoreWorker("job", "db.coll", "restore-1", cancellationToken: Ct);

        Advance(StuckAfter);
        Advance(StuckAfter);
        Assert.Equal(0, coordinator.CheckHealthNow());

        Assert.Equal(1, pool.StuckCount);
        Assert.True(coordinator.MarkRestoreWorkerCompleted("job", "restore-1", WorkerOutcome.Canceled));
        Assert.Empty(coordinator.GetJobSnapshot("job")!.Restore!.Workers);
    }

    [Fact]
    public void Health_checks_are_off_unless_a_timeout_is_configured()
    {
        using var coordinator = new WorkerPoolCoordinator(timeProvider: _time);
        coordinator.GetOrCreateDumpPool("job", 1);
        var worker = coordinator.RegisterDumpWorker("job", "db.coll", "dump-1", cancellationToken: Ct);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(WorkerState.Running, worker.State);
        Assert.Equal(0, coordinator.CheckHealthNow());
    }

    [Fact]
    public async Task A_stuck_work_item_is_handed_back_and_retried_while_the_stuck_run_keeps_its_slot()
    {
        using var coordinator = NewCoordinator();
        var pool = coordinator.GetOrCreateDumpPool("job", 2);
        var hungStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseHung = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var retryStarted = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseRetry = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new WorkQueueOptions<string> { CollectionKey = "db.coll", MaxAttempts = 2 };

        var run = pool.RunQueueAsync(["chunk-1"], options, async (item, context, _) =>
        {
            if (context.Attempt == 1)
            {
                // Ignores its token, like a call hung in a driver: only the test lets it return.
                hungStarted.TrySetResult();
                await releaseHung.Task;
            }
            else
            {
                retryStarted.TrySetResult(pool.ActiveCount);
                await releaseRetry.Task;
            }
        }, Ct);

        await hungStarted.Task.WithFailsafe();
        Advance(StuckAfter);
        var activeWhileRetrying = await retryStarted.Task.WithFailsafe();

        Assert.Equal(2, activeWhileRetrying);
        var workers = coordinator.GetJobSnapshot("job")!.Dump!.Workers;
        Assert.Equal([WorkerState.Stuck, WorkerState.Running], workers.Select(w => w.State));
        Assert.Equal([1, 2], workers.Select(w => w.Attempt));
        Assert.All(workers, w => Assert.Equal("chunk-1", w.WorkItem));

        releaseRetry.SetResult();
        releaseHung.SetResult();
        var result = await run.WithFailsafe();

        Assert.Equal((1, 1, 1), (result.Succeeded, result.Retries, result.StuckWorkers));
        Assert.Empty(result.Failures);
        Assert.Equal(0, pool.ActiveCount);
        Assert.Equal(0, pool.ActiveWorkerCount);
    }

    [Fact]
    public async Task A_stuck_item_on_its_last_attempt_fails_the_queue()
    {
        using var coordinator = NewCoordinator();
        var pool = coordinator.GetOrCreateDumpPool("job", 2);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new WorkQueueOptions<int> { CollectionKey = "db.coll", MaxAttempts = 1 };

        var run = pool.RunQueueAsync([1], options, async (_, _, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        }, Ct);
        await started.Task.WithFailsafe();
        Advance(StuckAfter);

        var failure = await Assert.ThrowsAsync<WorkItemFailedException>(() => run.WithFailsafe());
        Assert.IsType<WorkerStuckException>(failure.InnerException);
        Assert.Equal(1, failure.Attempts);
        Assert.Equal(1, failure.Item);
        Assert.Equal(0, pool.ActiveCount);
        Assert.Equal(1, pool.StuckCount);
    }

    private void Advance(TimeSpan by)
    {
        for (var done = TimeSpan.Zero; done < by; done += Interval)
        {
            _time.Advance(Interval);
        }
    }
}
