namespace MongoMigrate.Bench.Migration.Processes;

/// <summary>What a finished child process cost (wall time, CPU, peak resident memory) and what it printed.</summary>
public sealed record ProcessMeasurement
{
    public required int ExitCode { get; init; }

    public required TimeSpan Wall { get; init; }

    public required TimeSpan UserCpu { get; init; }

    public required TimeSpan SystemCpu { get; init; }

    /// <summary>The process's peak resident set (VmHWM), in bytes.</summary>
    public required long PeakRssBytes { get; init; }

    public required string Output { get; init; }

    public required string Error { get; init; }

    /// <summary>How CPU and memory were taken: "rusage" (exact, from the kernel at exit) or "polling".</summary>
    public required string Method { get; init; }

    public TimeSpan Cpu => UserCpu + SystemCpu;
}
