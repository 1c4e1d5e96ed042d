using Microsoft.Extensions.Logging;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>Drives one pool's scaling policy: samples the pool once per interval and applies the policy's answer within bounds.</summary>
/// <remarks>
/// Throughput is an amount over a time window, so this is a periodic sample by nature: one timer per pool
/// from the injected <see cref="TimeProvider"/>, which a test advances by hand.
/// </remarks>
internal sealed class AdaptiveWorkerScaler : IDisposable
{
    private readonly WorkerPoolManager _pool;
    private readonly AdaptiveScalingOptions _options;
    private readonly IWorkerScalingPolicy _policy;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _lastTimestamp;
    private int _evaluating;
    private bool _disposed;

    public AdaptiveWorkerScaler(WorkerPoolManager pool, AdaptiveScalingOptions options, ILogger logger)
    {
        _pool = pool;
        _options = options;
        _policy = options.Policy ?? new HillClimbingScalingPolicy();
        _logger = logger;
        _lastTimestamp = pool.TimeProvider.GetTimestamp();
        _timer = pool.TimeProvider.CreateTimer(
            static state => ((AdaptiveWorkerScaler)state!).Evaluate(), this, options.Interval, options.Interval);
    }

    public int MinWorkers => _options.MinWorkers;

    public int MaxWorkers => _options.MaxWorkers;

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _timer.Dispose();
    }

    internal void Evaluate()
    {
        // A slow evaluation never overlaps the next tick.
        if (Interlocked.Exchange(ref _evaluating, 1) == 1)
        {
            return;
        }

        try
        {
            if (Volatile.Read(ref _disposed) || _pool.IsDisposed)
            {
                return;
            }

            var now = _pool.TimeProvider.GetTimestamp();
            var elapsed = _pool.TimeProvider.GetElapsedTime(_lastTimestamp, now);
            _lastTimestamp = now;
            var load = _pool.Slots.TakeLoadSample();
            var done = _pool.Workers.TakeThroughputSample();
            var sample = new WorkerScalingSample(
                elapsed,
                load.Max,
                _options.MinWorkers,
                _options.MaxWorkers,
                load.Active,
                load.Waiting,
                load.Saturated,
                done.Completed,
                done.Failed,
                done.Documents,
                done.Bytes,
                done.Completed == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(done.DurationTicks / done.Completed));
            var next = Math.Clamp(_policy.Decide(sample), _options.MinWorkers, _options.MaxWorkers);
            if (next != load.Max)
            {
                _pool.SetMaxWorkers(next);
                _logger.LogInformation(
                    "Adaptive scaling moved the {Pool} pool of job {JobId} from {Previous} to {Next} workers (throughput {Throughput:F1}/s, error rate {ErrorRate:P1}).",
                    _pool.KindName,
                    _pool.JobId,
                    load.Max,
                    next,
                    sample.Throughput,
                    sample.ErrorRate);
            }
        }
        catch (ObjectDisposedException)
        {
            // The job was cleaned up between the check and the resize.
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Adaptive scaling of the {Pool} pool of job {JobId} failed; the maximum is left as it is.", _pool.KindName, _pool.JobId);
        }
        finally
        {
            Volatile.Write(ref _evaluating, 0);
        }
    }
}
