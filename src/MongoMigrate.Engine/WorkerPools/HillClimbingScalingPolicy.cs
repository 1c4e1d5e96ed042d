namespace MongoMigrate.Engine.WorkerPools;

/// <summary>The default scaling policy: add workers while each one pays its way, shed those that do not, back off on errors or a latency surge.</summary>
/// <remarks>
/// Each interval is compared with the previous one. The measure is the marginal gain: the relative change
/// of throughput over the relative change of workers (1 when throughput scales linearly). Going up, the
/// climb goes on, with a growing step, while the gain is at least <see cref="MinMarginalGain"/>, and turns
/// back otherwise. Going down, one worker at a time, the descent goes on while throughput holds and
/// turns back up once the shed workers are seen to have carried their share. It so settles around the
/// knee of the throughput curve, within one step of it. A pool that is not saturated says nothing about
/// what more workers would do, so the policy holds there.
/// </remarks>
public sealed class HillClimbingScalingPolicy : IWorkerScalingPolicy
{
    private double _baselineThroughput = double.NaN;
    private int _baselineWorkers;
    private int _expectedWorkers = -1;
    private int _direction = 1;
    private int _gains;
    private double _bestLatency = double.PositiveInfinity;

    /// <summary>The marginal gain a move must show to be worth it (0.5: a 10% increase in workers must bring at least 5% more throughput).</summary>
    public double MinMarginalGain { get; init; } = 0.5;

    /// <summary>Failed over finished workers in an interval above which the pool backs off.</summary>
    public double ErrorRateThreshold { get; init; } = 0.05;

    /// <summary>How many times the best average latency seen an interval's latency may reach before the pool backs off.</summary>
    public double LatencyBackoffRatio { get; init; } = 3.0;

    /// <summary>Multiplies the maximum on a back-off (and removes at least one worker).</summary>
    public double BackoffFactor { get; init; } = 0.75;

    /// <summary>The largest step of a climb; steps double after each successful step up.</summary>
    public int MaxStep { get; init; } = 8;

    public int Decide(WorkerScalingSample sample)
    {
        var current = sample.MaxWorkers;
        if (sample.ErrorRate > ErrorRateThreshold)
        {
            return BackOff(sample);
        }

        var latency = sample.AverageWorkerDuration.TotalSeconds;
        if (latency > 0)
        {
            if (latency > _bestLatency * LatencyBackoffRatio)
            {
                // Measure from the new level, or a lasting change in work item size would back off forever.
                _bestLatency = latency;
                return BackOff(sample);
            }

            _bestLatency = Math.Min(_bestLatency, latency);
        }

        if (!sample.Saturated)
        {
            _baselineThroughput = double.NaN;
            return Expect(current, sample);
        }

        var throughput = sample.Throughput;
        var comparable = !double.IsNaN(_baselineThroughput)
            && _baselineThroughput > 0
            && _baselineWorkers > 0
            && current == _expectedWorkers
            && current != _baselineWorkers;
        if (comparable)
        {
            var marginal = (throughput - _baselineThroughput) / _baselineThroughput
                / ((double)(current - _baselineWorkers) / _baselineWorkers);
            if (current > _baselineWorkers)
            {
                if (marginal >= MinMarginalGain)
                {
                    _gains++;
                }
                else
                {
                    _direction = -1;
                    _gains = 0;
                }
            }
            else
            {
                _direction = marginal >= MinMarginalGain ? 1 : -1;
                _gains = 0;
            }
        }

        _baselineThroughput = throughput;
        _baselineWorkers = current;
        return Expect(current + NextStep(sample), sample);
    }

    private int NextStep(WorkerScalingSample sample)
    {
        if (_direction > 0 && sample.MaxWorkers >= sample.MaxWorkersBound)
        {
            _direction = -1;
            _gains = 0;
        }
        else if (_direction < 0 && sample.MaxWorkers <= Math.Max(1, sample.MinWorkers))
        {
            _direction = 1;
            _gains = 0;
        }

        // Down one worker at a time: shedding a needed worker costs throughput, an extra one only a slot.
        return _direction < 0 ? -1 : _gains <= 1 ? 1 : Math.Min(MaxStep, 1 << Math.Min(_gains - 1, 16));
    }

    private int BackOff(WorkerScalingSample sample)
    {
        _direction = -1;
        _gains = 0;
        _baselineThroughput = double.NaN;
        var reduced = Math.Min(sample.MaxWorkers - 1, (int)Math.Floor(sample.MaxWorkers * BackoffFactor));
        return Expect(reduced, sample);
    }

    private int Expect(int next, WorkerScalingSample sample)
    {
        _expectedWorkers = Math.Clamp(next, sample.MinWorkers, Math.Max(sample.MinWorkers, sample.MaxWorkersBound));
        return _expectedWorkers;
    }
}
