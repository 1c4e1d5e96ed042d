namespace MongoMigrate.Engine.WorkerPools;

/// <summary>What one pool did during one scaling interval: its load, its throughput, its errors and its latency.</summary>
/// <param name="Elapsed">How long the interval lasted.</param>
/// <param name="MaxWorkers">The pool's maximum during the interval.</param>
/// <param name="MinWorkers">The lowest maximum the policy may choose.</param>
/// <param name="MaxWorkersBound">The highest maximum the policy may choose.</param>
/// <param name="ActiveWorkers">Slots held when the interval ended.</param>
/// <param name="WaitingWorkers">Acquires waiting when the interval ended.</param>
/// <param name="Saturated">The pool ran full or made an acquire wait: more workers could have been used.</param>
/// <param name="CompletedWorkers">Workers that succeeded in the interval.</param>
/// <param name="FailedWorkers">Workers that failed in the interval.</param>
/// <param name="Documents">Documents reported as progress in the interval.</param>
/// <param name="Bytes">Bytes reported as progress in the interval.</param>
/// <param name="AverageWorkerDuration">Mean run time of the workers that succeeded in the interval; zero if none did.</param>
public readonly record struct WorkerScalingSample(
    TimeSpan Elapsed,
    int MaxWorkers,
    int MinWorkers,
    int MaxWorkersBound,
    int ActiveWorkers,
    int WaitingWorkers,
    bool Saturated,
    long CompletedWorkers,
    long FailedWorkers,
    long Documents,
    long Bytes,
    TimeSpan AverageWorkerDuration)
{
    /// <summary>Failed over finished workers in the interval.</summary>
    public double ErrorRate => CompletedWorkers + FailedWorkers == 0 ? 0 : (double)FailedWorkers / (CompletedWorkers + FailedWorkers);

    /// <summary>Bytes per second if the work reports bytes, else documents per second, else completed workers per second.</summary>
    public double Throughput
    {
        get
        {
            var seconds = Elapsed.TotalSeconds;
            if (seconds <= 0)
            {
                return 0;
            }

            var amount = Bytes > 0 ? Bytes : Documents > 0 ? Documents : CompletedWorkers;
            return amount / seconds;
        }
    }
}
