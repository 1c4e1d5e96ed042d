namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Opt-in adaptive scaling of one pool: the bounds the policy moves the maximum within, and how often it looks.</summary>
public sealed record AdaptiveScalingOptions
{
    public int MinWorkers { get; init; } = 1;

    public required int MaxWorkers { get; init; }

    /// <summary>How long each throughput sample lasts; long enough for several work items to finish at the current maximum.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The policy; null for a new <see cref="HillClimbingScalingPolicy"/>. Policies keep state: one instance per pool.</summary>
    public IWorkerScalingPolicy? Policy { get; init; }

    internal void Validate(int workerCountLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MinWorkers);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWorkers, Math.Max(1, MinWorkers));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxWorkers, workerCountLimit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero);
    }
}
