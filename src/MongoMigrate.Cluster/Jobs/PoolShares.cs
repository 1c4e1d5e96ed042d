namespace MongoMigrate.Cluster.Jobs;

/// <summary>
/// Splits a job's pool sizes over the silos working on it, so that the sum is the job's size: 8 restore workers over 3
/// silos are 3, 3 and 2. Silos are taken in a fixed order (their names) so every silo gets the same answer. A silo that
/// gets no restore worker gets no dump worker either (a direct copy's reader would wait for writers it cannot have).
/// </summary>
public static class PoolShares
{
    public static (int Dump, int Restore) Of(string silo, IReadOnlyCollection<string> silos, int dumpWorkers, int restoreWorkers)
    {
        var ordered = silos.Order(StringComparer.Ordinal).ToList();
        var position = ordered.IndexOf(silo);
        if (position < 0)
        {
            return (0, 0);
        }

        var dump = Split(dumpWorkers, ordered.Count, position);
        var restore = Split(restoreWorkers, ordered.Count, position);
        return restore == 0 ? (0, 0) : (dump, restore);
    }

    private static int Split(int total, int count, int position) => (total / count) + (position < total % count ? 1 : 0);
}
