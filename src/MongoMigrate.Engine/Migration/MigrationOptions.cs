using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Partitioning;

namespace MongoMigrate.Engine.Migration;

/// <summary>Everything a migration job is told: what to copy, how, with how many workers, and where to keep its files.</summary>
public sealed record MigrationOptions
{
    /// <summary>The job's id; one is made when not given.</summary>
    public string? JobId { get; init; }

    public NamespaceSelection Selection { get; init; } = NamespaceSelection.All;

    public CopyMethod Method { get; init; } = CopyMethod.DumpRestore;

    /// <summary>Chunk readers per job (the dump pool), shared by all its collections.</summary>
    public int DumpWorkers { get; init; } = 4;

    /// <summary>Restore slots per job (the restore pool: one slot is up to two batches of a chunk being inserted at once), shared by all its collections.</summary>
    public int RestoreWorkers { get; init; } = 4;

    /// <summary>Writers per chunk, each inserting one batch at a time in a slot of the restore pool.</summary>
    public int InsertionWorkers { get; init; } = 2;

    public long ChunkSizeBytes { get; init; } = ChunkPlannerOptions.DefaultChunkSizeBytes;

    /// <summary>Folder for the job's state and chunk files.</summary>
    public string WorkDirectory { get; init; } = "mongomigrate-work";

    /// <summary>Gzip chunk files (dump-restore).</summary>
    public bool Gzip { get; init; }

    /// <summary>Bytes dumped but not yet restored, at most; dump workers wait while it is reached.</summary>
    public long DiskBudgetBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Drop target collections that already exist instead of refusing to write into them.</summary>
    public bool DropTarget { get; init; }

    /// <summary>Carry on a job from its saved state.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// On resume, the settings taken from these options; the others come from the job: its method, chunk
    /// size, gzip, disk budget and verification (full, a sample and its share, or none) as first given, and the
    /// worker counts it last ran with (changed live or not).
    /// The command line names the options it was given; a library caller gets every setting it passes.
    /// </summary>
    public JobSettings ResumeOverrides { get; init; } = JobSettings.All;

    /// <summary>
    /// Online migration: follow the source's changes from before the first read, apply them after each collection's copy,
    /// and keep following until a cutover is asked for (the cutover's recheck is then the proof, not a verification per collection).
    /// </summary>
    public bool Online { get; init; }

    /// <summary>Compare every document's bytes on both sides after the copy.</summary>
    public bool Verify { get; init; } = true;

    /// <summary>
    /// With <see cref="Verify"/>, the share of each collection's chunks compared (spread over it, at least one): 1
    /// compares every document; less is a sample, said as such in the summary and never called a proof of equality.
    /// </summary>
    public double VerifySample { get; init; } = 1;

    /// <summary>Attempts per chunk in one run before it fails for good; a later run gives failed chunks fresh attempts.</summary>
    public int MaxChunkAttempts { get; init; } = 5;

    /// <summary>
    /// The first wait before retrying a server operation after a transient error; later waits double, with
    /// jitter. A chunk's next attempt waits four times as long, doubling too (up to 30 seconds).
    /// </summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the numbers are usable; throws a one-line error otherwise.</summary>
    public void Validate()
    {
        Require(DumpWorkers is >= 1 and <= 256, "--dump-workers must be between 1 and 256");
        Require(RestoreWorkers is >= 1 and <= 256, "--restore-workers must be between 1 and 256");
        Require(InsertionWorkers is >= 1 and <= 64, "--insertion-workers must be between 1 and 64");
        Require(ChunkSizeBytes >= 1024 * 1024, "--chunk-size must be at least 1MB");
        Require(VerifySample is > 0 and <= 1, "--sample must be a fraction above 0 and at most 1, e.g. 0.1 for a tenth");
        Require(MaxChunkAttempts >= 1, "chunk attempts must be at least 1");
        Require(RetryDelay > TimeSpan.Zero, "the retry delay must be positive");
        Require(
            DiskBudgetBytes >= ChunkSizeBytes,
            $"--disk-budget ({Bytes(DiskBudgetBytes)}) must hold at least one chunk of --chunk-size ({Bytes(ChunkSizeBytes)}): give a smaller --chunk-size (64MB by default) or a larger --disk-budget");
        JobOptionRules.RequireConnectTimeout(ConnectTimeout);
        JobOptionRules.RequireJobId(JobId);
    }

    private static string Bytes(long bytes) => bytes % (1024L * 1024 * 1024) == 0 ? $"{bytes / (1024L * 1024 * 1024)}GB"
        : bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)}MB"
        : $"{bytes} bytes";

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new MigrationException(message + ".");
        }
    }
}
