using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Partitioning;

namespace MongoMigrate.Engine.Verifying;

/// <summary>What `verify` is told: which namespaces, with how many readers, all or a sample, and where to keep its progress.</summary>
public sealed record VerifyJobOptions
{
    /// <summary>The job's id; one is made when not given.</summary>
    public string? JobId { get; init; }

    public NamespaceSelection Selection { get; init; } = NamespaceSelection.All;

    /// <summary>_id ranges compared at once, shared by every collection (the job's dump pool).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>The share of each collection's _id ranges compared: 1 compares everything.</summary>
    public double SampleFraction { get; init; } = 1;

    /// <summary>Collections are compared in _id ranges of about this size.</summary>
    public long ChunkSizeBytes { get; init; } = ChunkPlannerOptions.DefaultChunkSizeBytes;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where the job keeps its plan and finished ranges, so that --resume does not read them again; null keeps nothing.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Carry on the job <see cref="JobId"/> in <see cref="WorkDirectory"/>.</summary>
    public bool Resume { get; init; }

    /// <summary>The most mismatching documents named per collection; the counts hold them all.</summary>
    public int MismatchLimit { get; init; } = 100;

    /// <summary>Tries of one range before its collection fails (transient errors only).</summary>
    public int MaxRangeAttempts { get; init; } = 3;

    public void Validate()
    {
        Require(Workers is >= 1 and <= 256, "--workers must be between 1 and 256");
        Require(SampleFraction is > 0 and <= 1, "--sample must be a fraction above 0 and at most 1, e.g. 0.1 for a tenth");
        Require(ChunkSizeBytes >= 1024 * 1024, "--chunk-size must be at least 1MB");
        Require(MismatchLimit >= 1, "the mismatch limit must be at least 1");
        Require(!Resume || (WorkDirectory is not null && JobId is not null), "--resume needs --work-dir and --job-id: the job to carry on");
        JobOptionRules.RequireConnectTimeout(ConnectTimeout);
        JobOptionRules.RequireJobId(JobId);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new MigrationException(message + ".");
        }
    }
}
