using System.Collections.Concurrent;
using MongoMigrate.Engine.WorkerPools;
using static MongoMigrate.Engine.Tests.WorkerPools.WorkerPoolTestSupport;

namespace MongoMigrate.Engine.Tests.WorkerPools;

/// <summary>Real threads, bounded sizes: many processors on shared pools while limits change and callers cancel.</summary>
public sealed class WorkerPoolStressTests
{
    private const int Processors = 50;
    private const int ItemsPerProcessor = 1_000;
    private const int CancelAtItem = 300;
    private static readonly string[] Jobs = ["job-a", "job-b"];

    [Fact]
    public async Task Fifty_processors_on_shared_pools_survive_random_resizes_and_cancellations()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 12, MaxWorkersPerPool = 16 });
        var pools = Jobs.SelectMany(job => new[] { coordinator.GetOrCreateDumpPool(job, 6), coordinator.GetOrCreateRestorePool(job, 6) }).ToArray();
        var runs = Enumerable.Range(0, Processors).Select(_ => new int[ItemsPerProcessor]).ToArray();
        var violations = new ConcurrentQueue<string>();
        var cancellations = Enumerable.Range(0, Processors).Select(_ => CancellationTokenSource.CreateLinkedTokenSource(Ct)).ToArray();
        using var chaosStop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var processors = Enumerable.Range(0, Processors).Select(p => Task.Run(() =>
        {
            var job = Jobs[p % 2];
            var pool = (p / 2) % 2 == 0 ? coordinator.GetOrCreateDumpPool(job, 6) : coordinator.GetOrCreateRestorePool(job, 6);
            var collection = $"db.coll{p}";
            var options = new WorkQueueOptions<int> { CollectionKey = collection, Priority = p % 7 * 1_000_000L };
            return pool.RunQueueAsync(Enumerable.Range(0, ItemsPerProcessor), options, async (item, context, _) =>
            {
                Interlocked.Increment(ref runs[p][item]);
                if (p % 10 == 9 && item == CancelAtItem)
                {
                    // One processor in ten is cancelled part-way through, while others are running.
                    await cancellations[p].CancelAsync();
                }

                if (context.JobId != job || context.PoolKind != pool.Kind || context.CollectionKey != collection)
                {
                    violations.Enqueue($"{collection} item {item} ran as {context.JobId}/{context.PoolKind}/{context.CollectionKey}");
                }

                context.ReportProgress(documents: 1, bytes: 64);
                if (item % 3 == 0)
                {
                    await Task.Yield();
                }
            }, cancellations[p].Token);
        }, Ct)).ToArray();

        var chaos = Task.Run(() => ChaosAsync(coordinator, pools, chaosStop.Token), Ct);
        var outcomes = await Task.WhenAll(processors.Select(CaptureAsync)).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await chaosStop.CancelAsync();
        var chaosActions = await chaos.WithFailsafe();

        Assert.True(chaosActions > 100, $"only {chaosActions} resizes and cancellations happened during the run");
        Assert.Empty(violations);
        for (var p = 0; p < Processors; p++)
        {
            var (result, error) = outcomes[p];
            if (p % 10 == 9)
            {
                Assert.IsAssignableFrom<OperationCanceledException>(error);
                Assert.All(runs[p], count => Assert.InRange(count, 0, 1));
                Assert.All(runs[p][..(CancelAtItem + 1)], count => Assert.Equal(1, count));
            }
            else
            {
                Assert.Null(error);
                Assert.Equal(ItemsPerProcessor, result!.Succeeded);
                Assert.All(runs[p], count => Assert.Equal(1, count));
            }
        }

        Assert.Equal(4, pools.Distinct().Count());
        foreach (var pool in pools)
        {
            Assert.Equal((0, 0, 0), (pool.ActiveCount, pool.WaitingCount, pool.ActiveWorkerCount));
            var (grants, overLimit) = pool.GrantAudit;
            Assert.True(grants > ItemsPerProcessor, $"the {pool.Kind} pool of {pool.JobId} granted only {grants} slots");
            Assert.Equal(0, overLimit);
        }

        Assert.Equal(0, coordinator.GlobalLimit.ActiveCount);
        foreach (var job in Jobs)
        {
            Assert.True(coordinator.CleanupJob(job));
            Assert.Equal(0, coordinator.GetActiveDumpWorkerCount(job));
            Assert.Equal(0, coordinator.GetActiveRestoreWorkerCount(job));
        }

        Assert.Empty(coordinator.GetSnapshot().Jobs);
        Assert.All(pools, pool => Assert.Equal(0, pool.ActiveWorkerCount));
        Array.ForEach(cancellations, c => c.Dispose());
    }

    [Fact]
    public async Task Concurrent_acquires_with_cancellations_never_exceed_fixed_limits_nor_lose_a_slot()
    {
        using var coordinator = new WorkerPoolCoordinator(new WorkerPoolCoordinatorOptions { GlobalMaxWorkers = 5 });
        var pools = new[] { coordinator.GetOrCreateDumpPool("job", 3), coordinator.GetOrCreateRestorePool("job", 3) };
        var holding = new int[2];
        var holdingGlobal = 0;
        var violations = new ConcurrentQueue<string>();
        var granted = 0;
        var canceled = 0;

        var workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < 2_000; i++)
            {
                var which = random.Next(2);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                if (random.Next(4) == 0)
                {
                    timeout.CancelAfter(TimeSpan.FromTicks(random.Next(0, 20_000)));
                }

                WorkerSlot slot;
                try
                {
                    slot = await pools[which].AcquireAsync(random.Next(3), timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref canceled);
                    continue;
                }

                // Counted by the test itself, between the grant and the release: an independent check.
                var inPool = Interlocked.Increment(ref holding[which]);
                var inAll = Interlocked.Increment(ref holdingGlobal);
                if (inPool > 3 || inAll > 5)
                {
                    violations.Enqueue($"{inPool} in pool {which}, {inAll} in all");
                }

                if (random.Next(2) == 0)
                {
                    await Task.Yield();
                }

                Interlocked.Decrement(ref holding[which]);
                Interlocked.Decrement(ref holdingGlobal);
                slot.Dispose();
                Interlocked.Increment(ref granted);
            }
        }, Ct)).ToArray();

        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.Empty(violations);
        Assert.Equal(16 * 2_000, granted + canceled);
        Assert.True(granted > 16 * 1_000);
        Assert.All(pools, pool => Assert.Equal((0, 0), (pool.ActiveCount, pool.WaitingCount)));
        Assert.Equal(0, coordinator.GlobalLimit.ActiveCount);
        Assert.Equal(granted, pools.Sum(p => p.GrantAudit.Grants));
    }

    private static async Task<int> ChaosAsync(WorkerPoolCoordinator coordinator, WorkerPoolManager[] pools, CancellationToken stop)
    {
        var random = new Random(42);
        var actions = 0;
        while (!stop.IsCancellationRequested)
        {
            actions++;
            switch (random.Next(10))
            {
                case < 5:
                    // Pauses now and then, and always comes back.
                    pools[random.Next(pools.Length)].MaxWorkers = random.Next(8) == 0 ? 0 : random.Next(1, 11);
                    break;
                case < 7:
                    coordinator.GlobalLimit.MaxWorkers = random.Next(10) == 0 ? 0 : random.Next(1, 17);
                    break;
                default:
                    // An acquire that gives up: it must neither keep nor lose a slot.
                    using (var giveUp = CancellationTokenSource.CreateLinkedTokenSource(stop))
                    {
                        giveUp.CancelAfter(TimeSpan.FromTicks(random.Next(0, 10_000)));
                        try
                        {
                            var slot = await pools[random.Next(pools.Length)].AcquireAsync(random.Next(10_000_000), giveUp.Token);
                            await Task.Yield();
                            slot.Dispose();
                        }
                        catch (OperationCanceledException)
                        {
                        }
                    }

                    break;
            }

            // Mostly back to back, to race the workers; now and then a pause long enough for queues to drain.
            if (actions % 32 == 0)
            {
                try
                {
                    await Task.Delay(1, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
            else
            {
                await Task.Yield();
            }
        }

        // Leave the pools running.
        coordinator.GlobalLimit.MaxWorkers = 12;
        Array.ForEach(pools, p => p.MaxWorkers = 6);
        return actions;
    }

    private static async Task<(WorkQueueResult<int>? Result, Exception? Error)> CaptureAsync(Task<WorkQueueResult<int>> run)
    {
        try
        {
            return (await run, null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }
}
