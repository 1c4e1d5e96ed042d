using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Engine.Tests.WorkerPools;

public sealed class HillClimbingScalingPolicyTests
{
    /// <summary>MB/s: linear up to 12 workers, then contention makes every extra worker cost throughput.</summary>
    internal static double PeakedAtTwelve(int workers) => workers <= 12 ? 10.0 * workers : 120.0 - (6.0 * (workers - 12));

    [Fact]
    public void Climbs_to_the_best_concurrency_and_stays_near_it()
    {
        var history = Simulate(new HillClimbingScalingPolicy(), PeakedAtTwelve, start: 2, intervals: 60);

        Assert.All(history[^20..], m => Assert.InRange(m, 11, 13));
        Assert.InRange(history[^20..].Average(), 11.5, 12.5);
        Assert.InRange(history.IndexOf(12), 0, 25);
    }

    [Fact]
    public void Comes_down_to_the_best_concurrency_when_started_too_high()
    {
        var history = Simulate(new HillClimbingScalingPolicy(), PeakedAtTwelve, start: 40, intervals: 60);

        Assert.All(history[^20..], m => Assert.InRange(m, 11, 13));
    }

    [Fact]
    public void Settles_at_the_knee_of_a_plateau_without_keeping_useless_workers()
    {
        var history = Simulate(new HillClimbingScalingPolicy(), m => Math.Min(10.0 * m, 80.0), start: 1, intervals: 60);

        Assert.All(history[^20..], m => Assert.InRange(m, 7, 9));
    }

    [Fact]
    public void Stays_near_the_best_concurrency_with_noisy_measurements()
    {
        var noise = new Random(20250101);

        var history = Simulate(new HillClimbingScalingPolicy(), m => PeakedAtTwelve(m) * (0.98 + (noise.NextDouble() * 0.04)), start: 2, intervals: 120);

        Assert.InRange(history[^60..].Average(), 10.5, 13.5);
        Assert.All(history[^60..], m => Assert.InRange(m, 8, 16));
    }

    [Fact]
    public void Never_leaves_its_bounds()
    {
        var history = Simulate(new HillClimbingScalingPolicy(), PeakedAtTwelve, start: 5, intervals: 40, min: 4, max: 9);

        Assert.All(history, m => Assert.InRange(m, 4, 9));
        Assert.All(history[^10..], m => Assert.InRange(m, 8, 9));
    }

    [Fact]
    public void Backs_off_when_errors_rise()
    {
        var policy = new HillClimbingScalingPolicy();

        var next = policy.Decide(Sample(16, 100) with { CompletedWorkers = 8, FailedWorkers = 2 });

        Assert.Equal(12, next);
    }

    [Fact]
    public void Backs_off_when_latency_surges()
    {
        var policy = new HillClimbingScalingPolicy();
        var first = policy.Decide(Sample(8, 80) with { AverageWorkerDuration = TimeSpan.FromSeconds(1) });

        var next = policy.Decide(Sample(first, 90) with { AverageWorkerDuration = TimeSpan.FromSeconds(4) });

        Assert.Equal(9, first);
        Assert.Equal(6, next);
    }

    [Fact]
    public void Holds_while_the_pool_is_not_saturated()
    {
        var policy = new HillClimbingScalingPolicy();

        var next = policy.Decide(Sample(6, 60) with { Saturated = false });

        Assert.Equal(6, next);
    }

    internal static WorkerScalingSample Sample(int workers, double megabytesPerSecond, int min = 1, int max = 64) => new(
        Elapsed: TimeSpan.FromSeconds(10),
        MaxWorkers: workers,
        MinWorkers: min,
        MaxWorkersBound: max,
        ActiveWorkers: workers,
        WaitingWorkers: 1,
        Saturated: true,
        CompletedWorkers: 10,
        FailedWorkers: 0,
        Documents: 0,
        Bytes: (long)(megabytesPerSecond * 10 * 1_000_000),
        AverageWorkerDuration: TimeSpan.Zero);

    private static List<int> Simulate(IWorkerScalingPolicy policy, Func<int, double> curve, int start, int intervals, int min = 1, int max = 64)
    {
        var history = new List<int>();
        var workers = start;
        for (var i = 0; i < intervals; i++)
        {
            history.Add(workers);
            workers = Math.Clamp(policy.Decide(Sample(workers, curve(workers), min, max)), min, max);
        }

        return history;
    }
}
