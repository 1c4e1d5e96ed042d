namespace MongoMigrate.Engine.Progress;

/// <summary>
/// The live progress of a job: its collections, its phase, and a throughput measured over the last few
/// seconds from which an ETA follows. Reading it never blocks the workers.
/// </summary>
public sealed class JobProgress(TimeProvider timeProvider)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly List<CollectionProgress> _collections = [];
    private readonly Queue<(long Timestamp, long Bytes, long Documents)> _samples = new();
    private readonly long _started = timeProvider.GetTimestamp();
    private readonly ProgressSignal _signal = new();
    private string _phase = "starting";
    private Func<long>? _estimatedBytes;

    public string Phase
    {
        get => Volatile.Read(ref _phase);
        set
        {
            Volatile.Write(ref _phase, value);
            _signal.Changed();
        }
    }

    public TimeSpan Elapsed => timeProvider.GetElapsedTime(_started);

    /// <summary>
    /// Estimates the job's total bytes when its collections cannot estimate their own (a restore from an archive
    /// knows only the archive's size); asked at each snapshot. Null goes back to the sum of the collections' estimates.
    /// </summary>
    public void SetEstimatedBytes(Func<long>? estimate) => Volatile.Write(ref _estimatedBytes, estimate);

    public CollectionProgress Add(string source, string target, long estimatedDocuments, long estimatedBytes)
    {
        var progress = new CollectionProgress(source, target, estimatedDocuments, estimatedBytes) { Signal = _signal };
        lock (_lock)
        {
            _collections.Add(progress);
        }

        _signal.Changed();
        return progress;
    }

    /// <summary>Waits, without polling, until <paramref name="condition"/> holds for the progress as it is after some change.</summary>
    public async Task WaitUntilAsync(Func<JobProgressSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            var changed = _signal.Next();
            if (condition(Snapshot()))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A consistent-enough view for a display: totals, throughput over the last seconds, ETA.</summary>
    public JobProgressSnapshot Snapshot()
    {
        List<CollectionProgress> collections;
        lock (_lock)
        {
            collections = [.. _collections];
        }

        var bytes = collections.Sum(c => c.Bytes);
        var documents = collections.Sum(c => c.Documents);
        var estimate = Volatile.Read(ref _estimatedBytes);
        var estimatedBytes = estimate is not null ? Math.Max(estimate(), bytes) : collections.Sum(c => Math.Max(c.EstimatedBytes, c.Bytes));
        var now = timeProvider.GetTimestamp();
        double bytesPerSecond, documentsPerSecond;
        lock (_lock)
        {
            _samples.Enqueue((now, bytes, documents));
            while (_samples.Count > 2 && timeProvider.GetElapsedTime(_samples.Peek().Timestamp, now) > RateWindow)
            {
                _samples.Dequeue();
            }

            var oldest = _samples.Peek();
            var seconds = timeProvider.GetElapsedTime(oldest.Timestamp, now).TotalSeconds;
            if (seconds < 0.5)
            {
                // Too little history: fall back to the average since the start.
                seconds = Math.Max(Elapsed.TotalSeconds, 0.001);
                oldest = (now, 0, 0);
            }

            bytesPerSecond = (bytes - oldest.Bytes) / seconds;
            documentsPerSecond = (documents - oldest.Documents) / seconds;
        }

        var remaining = Math.Max(0, estimatedBytes - bytes);
        TimeSpan? eta = bytesPerSecond > 0 && remaining > 0 ? TimeSpan.FromSeconds(remaining / bytesPerSecond) : remaining == 0 ? TimeSpan.Zero : null;
        return new JobProgressSnapshot(Phase, Elapsed, collections, documents, bytes, estimatedBytes, documentsPerSecond, bytesPerSecond, eta);
    }
}
