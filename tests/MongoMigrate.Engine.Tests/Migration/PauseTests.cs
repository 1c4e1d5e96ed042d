using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.State;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Tests.Migration;

/// <summary>Pause and resume inside a running process: pools at 0 let running chunks finish and start none; raised again, the job goes on.</summary>
public sealed class PauseTests(JobTestBed bed) : IClassFixture<JobTestBed>
{
    private readonly JobTestBed _bed = bed;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(CopyMethod.DumpRestore)]
    [InlineData(CopyMethod.Direct)]
    public async Task Pools_set_to_zero_pause_the_job_and_raised_again_it_finishes_exact(CopyMethod method)
    {
        var jobId = $"pause-{method}";
        var job = _bed.Job(_bed.Options(method, jobId, jobId.Replace("-", string.Empty, StringComparison.Ordinal)));
        _bed.Target.Faults.Latency = TimeSpan.FromMilliseconds(2);
        try
        {
            var run = job.RunAsync(Ct);
            await job.Started;
            await FirstDocumentsAsync(job, run);

            job.Steering.Pause();
            Assert.True(job.Steering.IsPaused);

            // Running work finishes what it holds. A direct copy's reader may keep its dump slot while it waits for
            // inserts that the paused restore pool holds back, so only the restore pool must empty there: every
            // document reaches the target through it.
            await WhenIdleAsync(_bed.Coordinator.FindPool(jobId, WorkerPoolKind.Restore)!, run);
            if (method == CopyMethod.DumpRestore)
            {
                await WhenIdleAsync(_bed.Coordinator.FindPool(jobId, WorkerPoolKind.Dump)!, run);
            }

            // Then nothing can move, by the pools' own rule rather than by watching a while: no restore slot is
            // held and none can be granted at a maximum of 0, and every document reaches the target in one.
            var held = job.Progress.Snapshot().Documents;
            Assert.Equal((0, 0), (job.Pools!.Restore!.MaxWorkers, job.Pools.Restore.Active));
            Assert.Equal(held, job.Progress.Snapshot().Documents);
            Assert.False(run.IsCompleted);
            Assert.InRange(held, 1, _bed.TotalDocuments - 1);

            job.Steering.Unpause();
            var summary = await run;

            Assert.Equal(JobStatus.Completed, summary.Status);
            Assert.Equal(new PoolSettings(3, 3, 2), job.Steering.Settings);
        }
        finally
        {
            _bed.Target.Faults.Clear();
        }

        await _bed.AssertTargetEqualsSourceAsync(Ct, jobId.Replace("-", string.Empty, StringComparison.Ordinal));

        // A pause is never stored: a resumed job would not come back paused.
        await using var state = await _bed.OpenStateAsync(jobId, Ct);
        Assert.Equal(new PoolSettings(3, 3, 2), await state.GetPoolSettingsAsync(jobId, Ct));
    }

    [Fact]
    public async Task Stopping_a_paused_job_leaves_a_state_that_resumes_exactly()
    {
        const string jobId = "pause-stop";
        var options = _bed.Options(CopyMethod.DumpRestore, jobId, "pausestop");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var job = _bed.Job(options);
        var run = job.RunAsync(stop.Token);
        await job.Started;
        await FirstDocumentsAsync(job, run);
        job.Steering.Pause();

        await stop.CancelAsync();
        var stopped = await run;

        Assert.Equal(JobStatus.Stopped, stopped.Status);
        var resumed = await _bed.Job(options with { Resume = true }).RunAsync(Ct);
        Assert.Equal(JobStatus.Completed, resumed.Status);
        await _bed.AssertTargetEqualsSourceAsync(Ct, "pausestop");
    }

    /// <summary>Waits for the job's first documents on the target, told by its progress, failing if the job ends first.</summary>
    private static async Task FirstDocumentsAsync(MigrationJob job, Task run)
    {
        await Task.WhenAny(job.Progress.WaitUntilAsync(p => p.Documents > 0, Ct), run);
        Assert.False(run.IsCompleted, "the job ended before its first documents were copied");
    }

    /// <summary>Waits until no slot of <paramref name="pool"/> is held, told by the pool itself, failing if the job ends first.</summary>
    private static async Task WhenIdleAsync(WorkerPoolManager pool, Task run)
    {
        var idle = pool.WhenIdleAsync(Ct);
        await Task.WhenAny(idle, run).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.False(run.IsCompleted, "the job ended before the pool emptied");
        await idle;
    }
}
