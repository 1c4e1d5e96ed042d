namespace MongoMigrate.Bench.Migration.Reporting;

/// <summary>One run of one contender: its process's costs, the sandboxes' CPU meanwhile, and what reached the target.</summary>
public sealed record ContenderSample
{
    public required int Round { get; init; }

    /// <summary>Its place in the round (1 = first), since contenders alternate.</summary>
    public required int Position { get; init; }

    public required double WallSeconds { get; init; }

    public required double UserCpuSeconds { get; init; }

    public required double SystemCpuSeconds { get; init; }

    public required long PeakRssBytes { get; init; }

    public required double SourceCpuSeconds { get; init; }

    public required double TargetCpuSeconds { get; init; }

    /// <summary>Cores busy on the whole machine on average during the run (the two sandboxes, the contender, anything else).</summary>
    public required double MachineBusyCores { get; init; }

    /// <summary>Documents found on the target afterwards (drained documents for the read limit).</summary>
    public required long DocumentsChecked { get; init; }

    /// <summary>What a client beside the contender did (a dashboard page's events and requests), or null.</summary>
    public string? Beside { get; init; }

    /// <summary>Figures the client beside measured (an online run's copy time, lag, cutover...), by name; null when none.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>Why the sample does not count, or null when it does.</summary>
    public string? Error { get; init; }

    public double CpuSeconds => UserCpuSeconds + SystemCpuSeconds;
}
