namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Process-wide settings of a <see cref="WorkerPoolCoordinator"/>, validated once when it is created.</summary>
public sealed record WorkerPoolCoordinatorOptions
{
    /// <summary>The most dump plus restore workers across all jobs; null for no global limit. Can be changed later through <see cref="WorkerPoolCoordinator.GlobalLimit"/>.</summary>
    public int? GlobalMaxWorkers { get; init; }

    /// <summary>The highest maximum any pool accepts, so a typo in a resize cannot ask for a million workers.</summary>
    public int MaxWorkersPerPool { get; init; } = 256;

    /// <summary>A worker with no progress for this long is declared stuck: its cancellation is requested and its work item handed back. Null turns health checks off.</summary>
    public TimeSpan? StuckWorkerTimeout { get; init; }

    /// <summary>How often the health check looks; null for a quarter of <see cref="StuckWorkerTimeout"/>.</summary>
    public TimeSpan? HealthCheckInterval { get; init; }

    internal TimeSpan EffectiveHealthCheckInterval =>
        HealthCheckInterval ?? TimeSpan.FromTicks(Math.Max(1, StuckWorkerTimeout.GetValueOrDefault().Ticks / 4));

    internal void Validate()
    {
        if (GlobalMaxWorkers is { } global)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(global, nameof(GlobalMaxWorkers));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWorkersPerPool, 1, nameof(MaxWorkersPerPool));
        if (StuckWorkerTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(StuckWorkerTimeout));
        }

        if (HealthCheckInterval is { } interval)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(HealthCheckInterval));
        }
    }
}
