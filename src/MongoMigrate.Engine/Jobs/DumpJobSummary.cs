using MongoMigrate.Engine.Discovery;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Jobs;

/// <summary>What a dump or a restore did, for the final report and --json.</summary>
public sealed record DumpJobSummary
{
    public required string JobId { get; init; }

    /// <summary>"dump" or "restore".</summary>
    public required string Operation { get; init; }

    public required JobStatus Status { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>The directory or archive written or read.</summary>
    public required string Location { get; init; }

    public required IReadOnlyList<NamespaceResult> Namespaces { get; init; }

    /// <summary>Namespaces left out, and why (system namespaces, users and roles, time-series).</summary>
    public IReadOnlyList<SkippedNamespace> Skipped { get; init; } = [];

    /// <summary>Other things the user should know, one line each (an oplog that was not replayed, files that were ignored).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public long Documents => Namespaces.Sum(n => n.Documents);

    public long Bytes => Namespaces.Sum(n => n.Bytes);

    public long AlreadyPresent => Namespaces.Sum(n => n.AlreadyPresent);

    public long Replaced => Namespaces.Sum(n => n.Replaced);

    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / Elapsed.TotalSeconds : 0;

    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? Documents / Elapsed.TotalSeconds : 0;

    /// <summary>One line for the user when the job did not complete: what failed and how to go on.</summary>
    public string? Reason { get; init; }
}
