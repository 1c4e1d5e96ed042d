using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Partitioning;

namespace MongoMigrate.Engine.Dumping;

/// <summary>What a dump is told: which namespaces, where to, compressed or not, with how many readers.</summary>
public sealed record DumpJobOptions
{
    /// <summary>The job's id (it names the worker pools); one is made when not given.</summary>
    public string? JobId { get; init; }

    /// <summary>Include and exclude patterns; renames do not apply to a dump.</summary>
    public NamespaceSelection Selection { get; init; } = NamespaceSelection.All;

    public required DumpLocation Destination { get; init; }

    /// <summary>Gzip every file of a directory dump, or the whole archive stream (mongodump --gzip).</summary>
    public bool Gzip { get; init; }

    /// <summary>
    /// -j: collections dumped at once and readers in the job's dump pool. A collection larger than
    /// <see cref="ChunkSizeBytes"/> is read in _id ranges by several of those readers at once.
    /// </summary>
    public int ParallelCollections { get; init; } = 4;

    /// <summary>Collections larger than this are read in _id-range chunks of about this size.</summary>
    public long ChunkSizeBytes { get; init; } = ChunkPlannerOptions.DefaultChunkSizeBytes;

    /// <summary>Runs of one chunk at most; a retry carries on after the last _id already written.</summary>
    public int MaxChunkAttempts { get; init; } = 5;

    /// <summary>Bytes of documents per archive segment (segments of collections dumped at once interleave).</summary>
    public int ArchiveSegmentBytes { get; init; } = 1024 * 1024;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Documents asked of the server per cursor batch (the server also stops a batch at 16 MiB).</summary>
    internal int ReadBatchDocuments { get; init; } = 2000;

    /// <summary>Checks the numbers are usable; throws a one-line error otherwise.</summary>
    public void Validate()
    {
        Require(ParallelCollections is >= 1 and <= 256, "-j must be between 1 and 256");
        Require(ChunkSizeBytes >= 1024 * 1024, "--chunk-size must be at least 1MB");
        Require(MaxChunkAttempts >= 1, "chunk attempts must be at least 1");
        Require(ArchiveSegmentBytes >= 1, "archive segments must hold at least one byte");
        Require(Selection.Renames.Count == 0, "--from/--to renames apply to a restore, not to a dump");
        Require(Destination.Path is not { Length: 0 }, "the output path is empty");
        Jobs.JobOptionRules.RequireConnectTimeout(ConnectTimeout);
        Jobs.JobOptionRules.RequireJobId(JobId);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new MigrationException(message + ".");
        }
    }
}
