using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Restoring;

/// <summary>What a restore is told: which dump, which namespaces and where to, how many at once, and where to keep its state.</summary>
public sealed record RestoreJobOptions
{
    /// <summary>The job's id; one is made when not given (needed with <see cref="Resume"/>).</summary>
    public string? JobId { get; init; }

    public required DumpLocation Source { get; init; }

    /// <summary>Include, exclude and rename patterns, matched against the namespaces in the dump.</summary>
    public NamespaceSelection Selection { get; init; } = NamespaceSelection.All;

    /// <summary>Drop each target collection or view before restoring it (mongorestore --drop).</summary>
    public bool Drop { get; init; }

    /// <summary>
    /// -j: collections read at once from a directory dump. An archive's own interleaving decides which of its
    /// namespaces are read at once (each must be drained as the archive goes by).
    /// </summary>
    public int ParallelCollections { get; init; } = 4;

    /// <summary>Insert batches in flight per collection; the job's restore pool holds -j times this many.</summary>
    public int InsertionWorkers { get; init; } = 2;

    /// <summary>Folder for the job's state (which namespaces are done) and log.</summary>
    public string WorkDirectory { get; init; } = "mongomigrate-work";

    /// <summary>Carry on the job <see cref="JobId"/>: namespaces it completed are skipped, the others restored again.</summary>
    public bool Resume { get; init; }

    /// <summary>Attempts per insert batch on transient errors.</summary>
    public int MaxBatchAttempts { get; init; } = 5;

    /// <summary>Documents per insert (mongorestore inserts 1000 at a time).</summary>
    public int BatchDocuments { get; init; } = 1000;

    /// <summary>Bytes of documents per insert, at most (one larger document goes alone).</summary>
    public int BatchBytes { get; init; } = 4 * 1024 * 1024;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the numbers are usable; throws a one-line error otherwise.</summary>
    public void Validate()
    {
        Require(ParallelCollections is >= 1 and <= 256, "-j must be between 1 and 256");
        Require(InsertionWorkers is >= 1 and <= 64, "--insertion-workers must be between 1 and 64");
        Require(MaxBatchAttempts >= 1, "batch attempts must be at least 1");
        Require(BatchDocuments is >= 1 and <= 100_000, "batches must hold 1 to 100000 documents");
        Require(BatchBytes is >= 1 and <= Copying.BatchInserter.MaxBytesPerBatch, $"batches must hold at most {Copying.BatchInserter.MaxBytesPerBatch} bytes");
        Require(Source.Path is not { Length: 0 }, "the dump path is empty");
        Jobs.JobOptionRules.RequireJobId(JobId);
        Jobs.JobOptionRules.RequireConnectTimeout(ConnectTimeout);

        Require(!Resume || JobId is not null, "--resume needs --job-id");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new MigrationException(message + ".");
        }
    }
}
