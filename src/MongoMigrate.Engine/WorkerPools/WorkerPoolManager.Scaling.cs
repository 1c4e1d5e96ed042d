namespace MongoMigrate.Engine.WorkerPools;

// Opt-in adaptive scaling: a policy moves the maximum within bounds; manual resizes still work and the
// policy measures from wherever they leave the pool.
public sealed partial class WorkerPoolManager
{
    private AdaptiveWorkerScaler? _scaler;

    public bool IsAdaptiveScalingEnabled => Volatile.Read(ref _scaler) is not null;

    /// <summary>Lets a policy move this pool's maximum within bounds, once per interval; replaces any earlier policy.</summary>
    /// <remarks>The current maximum is first brought within the bounds.</remarks>
    public void EnableAdaptiveScaling(AdaptiveScalingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        options.Validate(WorkerCountLimit);
        var current = MaxWorkers;
        var bounded = Math.Clamp(current, options.MinWorkers, options.MaxWorkers);
        if (bounded != current)
        {
            SetMaxWorkers(bounded);
        }

        Interlocked.Exchange(ref _scaler, new AdaptiveWorkerScaler(this, options, _logger))?.Dispose();
    }

    /// <summary>Stops adaptive scaling; the maximum stays where the policy left it.</summary>
    public void DisableAdaptiveScaling() => Interlocked.Exchange(ref _scaler, null)?.Dispose();

    /// <summary>Runs one scaling evaluation now, as the timer would; false if scaling is off.</summary>
    internal bool EvaluateScalingNow()
    {
        var scaler = Volatile.Read(ref _scaler);
        scaler?.Evaluate();
        return scaler is not null;
    }

    private void DisposeScaling() => DisableAdaptiveScaling();
}
