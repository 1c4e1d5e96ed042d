using MongoMigrate.Engine.ChangeStreams.Capture;

namespace MongoMigrate.Engine.ChangeStreams;

/// <summary>The live counters of following: updated without locks by capture and the lanes, read as a snapshot.</summary>
public sealed class ChangeStreamProgress(TimeProvider timeProvider)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(2);

    private readonly Lock _rateLock = new();
    private long _captured;
    private long _applied;
    private long _sourceTime;
    private long _appliedTime;
    private long _appliedSequence;
    private long _capturedSequence;
    private int _activeLanes;
    private int _peakLanes;
    private (long Ticks, long Applied) _rateBase = (timeProvider.GetTimestamp(), 0);
    private double _rate;

    public void AddCaptured(int events, long nextSequence)
    {
        Interlocked.Add(ref _captured, events);
        InterlockedMax(ref _capturedSequence, nextSequence);
    }

    public void ObserveSourceTime(ulong clusterTime) => InterlockedMax(ref _sourceTime, unchecked((long)clusterTime));

    public void AddApplied(int events) => Interlocked.Add(ref _applied, events);

    /// <summary>Every record before <paramref name="sequence"/>, up to <paramref name="clusterTime"/>, is durably applied.</summary>
    public void Checkpointed(long sequence, ulong clusterTime)
    {
        InterlockedMax(ref _appliedSequence, sequence);
        InterlockedMax(ref _appliedTime, unchecked((long)clusterTime));
    }

    public void LaneStarted() => InterlockedMax(ref _peakLanes, Interlocked.Increment(ref _activeLanes));

    public void LaneStopped() => Interlocked.Decrement(ref _activeLanes);

    /// <summary>The lanes' peak starts again from those writing now (e.g. after the pool was resized).</summary>
    public void ResetPeak() => Volatile.Write(ref _peakLanes, Volatile.Read(ref _activeLanes));

    public ChangeStreamProgressSnapshot Snapshot(long spoolBytes = 0, long refreshes = 0)
    {
        var applied = Interlocked.Read(ref _applied);
        var source = unchecked((ulong)Interlocked.Read(ref _sourceTime));
        var appliedTime = unchecked((ulong)Interlocked.Read(ref _appliedTime));
        double? lag = source == 0 || appliedTime == 0 ? null : Math.Max(0, ResumeTokens.Seconds(source) - ResumeTokens.Seconds(appliedTime));
        return new ChangeStreamProgressSnapshot(
            Interlocked.Read(ref _captured),
            applied,
            Math.Max(0, Interlocked.Read(ref _capturedSequence) - Interlocked.Read(ref _appliedSequence)),
            Rate(applied),
            lag,
            source,
            appliedTime,
            Volatile.Read(ref _activeLanes),
            Volatile.Read(ref _peakLanes),
            refreshes,
            spoolBytes);
    }

    private double Rate(long applied)
    {
        lock (_rateLock)
        {
            var now = timeProvider.GetTimestamp();
            var elapsed = timeProvider.GetElapsedTime(_rateBase.Ticks, now);
            if (elapsed >= RateWindow)
            {
                _rate = (applied - _rateBase.Applied) / elapsed.TotalSeconds;
                _rateBase = (now, applied);
            }

            return _rate;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
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
