namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>A contender's medians over its successful samples, as rates over the dataset's document bytes (MB = 10^6 bytes).</summary>
public sealed record ContenderSummary
{
    public required int Samples { get; init; }

    public required double WallSeconds { get; init; }

    public required double DocumentsPerSecond { get; init; }

    public required double MegabytesPerSecond { get; init; }

    /// <summary>User plus system CPU of the contender's own process(es) per GB (10^9 bytes) of documents.</summary>
    public required double CpuSecondsPerGigabyte { get; init; }

    public required double PeakRssMegabytes { get; init; }

    public required double SourceCpuSecondsPerGigabyte { get; init; }

    public required double TargetCpuSecondsPerGigabyte { get; init; }

    public required double MachineBusyCores { get; init; }

    /// <summary>The slowest and fastest samples' MB/s, to show the spread.</summary>
    public required double MinMegabytesPerSecond { get; init; }

    public required double MaxMegabytesPerSecond { get; init; }

    public static ContenderSummary? From(IReadOnlyList<ContenderSample> samples, long documents, long bytes)
    {
        var good = samples.Where(s => s.Error is null && s.WallSeconds > 0).ToList();
        if (good.Count == 0)
        {
            return null;
        }

        var gigabytes = Math.Max(bytes, 1) / 1e9;
        var megabytes = bytes / 1e6;
        return new ContenderSummary
        {
            Samples = good.Count,
            WallSeconds = Median(good.Select(s => s.WallSeconds)),
            DocumentsPerSecond = Median(good.Select(s => documents / s.WallSeconds)),
            MegabytesPerSecond = Median(good.Select(s => megabytes / s.WallSeconds)),
            CpuSecondsPerGigabyte = Median(good.Select(s => s.CpuSeconds / gigabytes)),
            PeakRssMegabytes = Median(good.Select(s => s.PeakRssBytes / 1e6)),
            SourceCpuSecondsPerGigabyte = Median(good.Select(s => s.SourceCpuSeconds / gigabytes)),
            TargetCpuSecondsPerGigabyte = Median(good.Select(s => s.TargetCpuSeconds / gigabytes)),
            MachineBusyCores = Median(good.Select(s => s.MachineBusyCores)),
            MinMegabytesPerSecond = good.Min(s => megabytes / s.WallSeconds),
            MaxMegabytesPerSecond = good.Max(s => megabytes / s.WallSeconds),
        };
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
