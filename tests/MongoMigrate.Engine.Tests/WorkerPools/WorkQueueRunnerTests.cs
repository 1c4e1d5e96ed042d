using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Engine.WorkerPools;
using static MongoMigrate.Engine.Tests.WorkerPools.WorkerPoolTestSupport;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class WorkQueueRunnerTests : IDisposable
{
    // Never advanced: nothing in a work queue may depend on a timer to make progress.
    private readonly FakeTimeProvider _time = new();
    private readonly WorkerPoolCoordinator _coordinator;

    public WorkQueueRunnerTests() => _coordinator = new WorkerPoolCoordinator(timeProvider: _time);

    public void Dispose() => _coordinator.Dispose();

    [Fact]
    public async Task Every_item_runs_exactly_once_and_nothing_is_left_behind()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 4);
        var runs = new int[500];

        var result = await pool.RunQueueAsync(Enumerable.Range(0, runs.Length), Options<int>(), async (item, context, _) =>
        {
            Interlocked.Increment(ref runs[item]);
            context.ReportProgress(1, 10);
            await Task.Yield();
        }, Ct).WithFailsafe();

        Assert.All(runs, count => Assert.Equal(1, count));
        Assert.Equal((500, 0, 0), (result.Succeeded, result.Retries, result.StuckWorkers));
        Assert.True(result.IsSuccess);
        Assert.Equal((0, 0, 0), (pool.ActiveCount, pool.WaitingCount, pool.ActiveWorkerCount));
        Assert.Equal(500, pool.CompletedCount);
    }

    [Fact]
    public async Task Items_never_run_more_at_once_than_the_pool_allows()
    {
        var pool = _coordinator.GetOrCreateRestorePool("job", 3);
        var running = 0;
        var peak = 0;

        await pool.RunQueueAsync(Enumerable.Range(0, 200), Options<int>(), async (_, _, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Yield();
            Interlocked.Decrement(ref running);
        }, Ct).WithFailsafe();

        Assert.InRange(peak, 1, 3);
    }

    [Fact]
    public async Task Raising_the_pool_maximum_starts_queued_items_at_once()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 0);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var twoStarted = new Countdown(2);
        var started = 0;

        var run = pool.RunQueueAsync(Enumerable.Range(0, 4), Options<int>(), async (_, _, _) =>
        {
            Interlocked.Increment(ref started);
            twoStarted.Signal();
            await gate.Task;
        }, Ct);
        await WaitUntilAsync(() => pool.WaitingCount == 1, "the dispatcher waits for a slot");
        Assert.Equal(0, Volatile.Read(ref started));

        _coordinator.AdjustDumpWorkers("job", 2);
        await twoStarted.Reached.WithFailsafe();

        Assert.Equal(2, pool.ActiveCount);
        Assert.Equal(2, Volatile.Read(ref started));
        gate.SetResult();
        Assert.Equal(4, (await run.WithFailsafe()).Succeeded);
    }

    [Fact]
    public async Task Lowering_the_maximum_while_busy_lets_running_items_finish()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 3);
        var gates = Enumerable.Range(0, 6).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var threeStarted = new Countdown(3);
        var running = 0;
        var peakAfterLowering = 0;
        var lowered = false;
        var canceled = 0;

        var run = pool.RunQueueAsync(Enumerable.Range(0, 6), Options<int>(), async (item, _, token) =>
        {
            var now = Interlocked.Increment(ref running);
            if (Volatile.Read(ref lowered))
            {
                InterlockedMax(ref peakAfterLowering, now);
                gates[item].TrySetResult();
            }

            threeStarted.Signal();
            await gates[item].Task;
            if (token.IsCancellationRequested)
            {
                Interlocked.Increment(ref canceled);
            }

            Interlocked.Decrement(ref running);
        }, Ct);
        await threeStarted.Reached.WithFailsafe();

        Volatile.Write(ref lowered, true);
        pool.MaxWorkers = 1;
        Assert.Equal(3, pool.ActiveCount);
        foreach (var gate in gates.Take(3))
        {
            gate.SetResult();
        }

        var result = await run.WithFailsafe();
        Assert.Equal(6, result.Succeeded);
        Assert.Equal(1, peakAfterLowering);
        Assert.Equal(0, canceled);
    }

    [Fact]
    public async Task Retryable_failures_are_retried_up_to_the_attempt_limit()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 2);
        var attempts = new ConcurrentQueue<int>();
        var options = Options<string>() with { MaxAttempts = 3, IsRetryable = ex => ex is TimeoutException };

        var result = await pool.RunQueueAsync(["flaky"], options, (_, context, _) =>
        {
            attempts.Enqueue(context.Attempt);
            return context.Attempt < 3 ? Task.FromException(new TimeoutException("network blip")) : Task.CompletedTask;
        }, Ct).WithFailsafe();

        Assert.Equal([1, 2, 3], attempts);
        Assert.Equal((1, 2), (result.Succeeded, result.Retries));
        Assert.Equal(2, pool.FailedCount);
        Assert.Equal(1, pool.CompletedCount);
    }

    [Fact]
    public async Task An_item_out_of_attempts_stops_the_queue_with_its_error()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 1);
        var ran = new ConcurrentQueue<int>();
        var options = Options<int>() with { MaxAttempts = 2, IsRetryable = _ => true, DescribeItem = i => $"chunk {i}" };

        var failure = await Assert.ThrowsAsync<WorkItemFailedException>(() => pool.RunQueueAsync(Enumerable.Range(0, 100), options, (item, _, _) =>
        {
            ran.Enqueue(item);
            return item == 1 ? Task.FromException(new InvalidDataException("bad chunk")) : Task.CompletedTask;
        }, Ct).WithFailsafe());

        Assert.Equal((1, 2, "chunk 1", "db.coll"), ((int)failure.Item!, failure.Attempts, failure.ItemDescription, failure.CollectionKey));
        Assert.IsType<InvalidDataException>(failure.InnerException);
        Assert.Contains("chunk 1 of db.coll failed after 2 attempt(s): bad chunk", failure.Message);
        // The retry runs right after the first failure (at most one item already taken goes in between).
        Assert.Equal([0, 1], ran.Take(2));
        Assert.Equal(2, ran.Count(i => i == 1));
        Assert.Equal(1, ran.Last());
        Assert.InRange(ran.Count, 3, 4);
        Assert.Equal((0, 0), (pool.ActiveCount, pool.ActiveWorkerCount));
    }

    [Fact]
    public async Task Failures_that_are_not_retryable_are_not_retried()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 1);
        var runs = 0;
        var options = Options<int>() with { IsRetryable = ex => ex is TimeoutException };

        await Assert.ThrowsAsync<WorkItemFailedException>(() => pool.RunQueueAsync([1], options, (_, _, _) =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("duplicate key");
        }, Ct).WithFailsafe());

        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ContinueOnFailure_runs_every_other_item_and_reports_the_failures()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 2);
        var options = Options<int>() with { FailureMode = WorkQueueFailureMode.ContinueOnFailure };

        var result = await pool.RunQueueAsync(Enumerable.Range(0, 10), options, (item, _, _) =>
            item % 4 == 0 ? Task.FromException(new InvalidOperationException($"item {item}")) : Task.CompletedTask, Ct).WithFailsafe();

        Assert.Equal(7, result.Succeeded);
        Assert.Equal([0, 4, 8], result.Failures.Select(f => f.Item).Order());
        Assert.All(result.Failures, f => Assert.Equal(1, f.Attempts));
        Assert.False(result.IsSuccess);
    }

    [Fact]
    public async Task Items_from_a_bounded_channel_run_as_the_producer_writes_them()
    {
        var pool = _coordinator.GetOrCreateRestorePool("job", 3);
        var channel = Channel.CreateBounded<int>(2);
        var runs = new int[200];

        var run = pool.RunQueueAsync(channel.Reader, Options<int>(), async (item, _, _) =>
        {
            Interlocked.Increment(ref runs[item]);
            await Task.Yield();
        }, Ct);
        for (var i = 0; i < runs.Length; i++)
        {
            await channel.Writer.WriteAsync(i, Ct);
        }

        channel.Writer.Complete();
        var result = await run.WithFailsafe();

        Assert.Equal(200, result.Succeeded);
        Assert.All(runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task A_producer_error_fails_the_run_after_running_items_finish()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 2);
        var channel = Channel.CreateUnbounded<int>();
        await channel.Writer.WriteAsync(1, Ct);
        channel.Writer.Complete(new IOException("partitioner failed"));

        var error = await Assert.ThrowsAsync<IOException>(() => pool.RunQueueAsync(channel.Reader, Options<int>(), (_, _, _) => Task.CompletedTask, Ct).WithFailsafe());

        Assert.Equal("partitioner failed", error.Message);
        Assert.Equal(0, pool.ActiveCount);
    }

    [Fact]
    public async Task Cancelling_the_run_cancels_running_items_and_waits_for_them()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 2);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var twoStarted = new Countdown(2);
        var exited = 0;

        var run = pool.RunQueueAsync(Enumerable.Range(0, 50), Options<int>(), async (_, _, token) =>
        {
            try
            {
                twoStarted.Signal();
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
            }
            finally
            {
                Interlocked.Increment(ref exited);
            }
        }, cts.Token);
        await twoStarted.Reached.WithFailsafe();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WithFailsafe());
        Assert.Equal(2, Volatile.Read(ref exited));
        Assert.Equal((0, 0, 0), (pool.ActiveCount, pool.WaitingCount, pool.ActiveWorkerCount));
        Assert.Equal(2, pool.CanceledCount);
    }

    [Fact]
    public async Task Larger_collections_get_free_slots_first()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 1);
        Assert.True(pool.TryAcquire(out var held));
        var order = new ConcurrentQueue<string>();
        const int BigItems = 5;
        var bigDone = 0;

        var small = pool.RunQueueAsync(Enumerable.Range(0, 3), Options<int>("db.small") with { Priority = 1_000 }, (_, _, _) =>
        {
            order.Enqueue("small");
            return Task.CompletedTask;
        }, Ct);
        var big = pool.RunQueueAsync(Enumerable.Range(0, BigItems), Options<int>("db.big") with { Priority = 1_000_000 }, async (_, _, _) =>
        {
            order.Enqueue("big");

            // Hold the slot until both queues wait for the next one, so the choice is the pool's to make.
            if (Interlocked.Increment(ref bigDone) < BigItems)
            {
                await WaitUntilAsync(() => pool.WaitingCount == 2, "both queues wait for a slot");
            }
        }, Ct);
        await WaitUntilAsync(() => pool.WaitingCount == 2, "both queues wait for a slot");
        held.Dispose();
        await Task.WhenAll(small, big).WithFailsafe();

        Assert.Equal([.. Enumerable.Repeat("big", BigItems), .. Enumerable.Repeat("small", 3)], order);
    }

    [Fact]
    public async Task Queue_workers_are_tracked_in_the_coordinator_with_their_item_and_progress()
    {
        _coordinator.GetOrCreateDumpPool("job", 2);
        var pool = _coordinator.GetOrCreateDumpPool("job", 2);
        WorkerPoolSnapshot? during = null;
        int activeDuring = 0;
        var options = Options<int>("db.orders") with { DescribeItem = i => $"chunk {i}" };

        await pool.RunQueueAsync([7], options, (_, context, _) =>
        {
            context.ReportProgress(documents: 100, bytes: 10_000);
            during = _coordinator.GetJobSnapshot("job")!.Dump;
            activeDuring = _coordinator.GetActiveDumpWorkerCount("job");
            return Task.CompletedTask;
        }, Ct).WithFailsafe();

        var worker = Assert.Single(during!.Workers);
        Assert.Equal(("db.orders", "chunk 7", 100L, 10_000L, 1), (worker.CollectionKey, worker.WorkItem, worker.Documents, worker.Bytes, worker.Attempt));
        Assert.Equal(1, activeDuring);
        Assert.Equal(0, _coordinator.GetActiveDumpWorkerCount("job"));
        Assert.Equal(1, pool.CompletedCount);
    }

    [Fact]
    public async Task Cleaning_up_the_job_under_a_running_queue_fails_the_run()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 1);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = pool.RunQueueAsync(Enumerable.Range(0, 3), Options<int>(), async (_, _, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        }, Ct);
        await started.Task.WithFailsafe();
        await WaitUntilAsync(() => pool.WaitingCount == 1, "the dispatcher waits for the next slot");
        _coordinator.CleanupJob("job");

        await Assert.ThrowsAsync<ObjectDisposedException>(() => run.WithFailsafe());
        Assert.Equal(0, pool.ActiveCount);
    }

    [Fact]
    public void Options_are_validated_when_the_runner_is_created()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 1);

        Assert.Throws<ArgumentException>(() => new WorkQueueRunner<int>(pool, new WorkQueueOptions<int> { CollectionKey = "" }, (_, _, _) => Task.CompletedTask));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkQueueRunner<int>(pool, Options<int>() with { MaxAttempts = 0 }, (_, _, _) => Task.CompletedTask));
    }

    [Fact]
    public async Task A_runner_can_run_several_queues_one_after_the_other()
    {
        var pool = _coordinator.GetOrCreateDumpPool("job", 2);
        var total = 0;
        var runner = new WorkQueueRunner<int>(pool, Options<int>(), (item, _, _) =>
        {
            Interlocked.Add(ref total, item);
            return Task.CompletedTask;
        });

        await runner.RunAsync([1, 2, 3], Ct).WithFailsafe();
        await runner.RunAsync([10, 20], Ct).WithFailsafe();

        Assert.Equal(36, total);
        Assert.Same(pool, runner.Pool);
    }

    private static WorkQueueOptions<T> Options<T>(string collection = "db.coll") => new() { CollectionKey = collection };

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
