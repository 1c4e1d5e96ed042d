using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Jobs;

/// <summary>
/// How one namespace of a dump or restore ended: the outcome of one run, reported when it ends. Not the job's standing
/// read back from its state (<see cref="JobOverview"/>, whose collections are <see cref="CollectionOverview"/>s of chunks).
/// </summary>
public sealed record NamespaceResult
{
    /// <summary>The namespace as the source or the dump names it.</summary>
    public required string Source { get; init; }

    /// <summary>Where it went: the target namespace of a restore, the file or archive namespace of a dump.</summary>
    public required string Target { get; init; }

    /// <summary>"collection" or "view".</summary>
    public required string Kind { get; init; }

    public required CollectionStatus Status { get; init; }

    /// <summary>Documents written (dump) or inserted (restore).</summary>
    public long Documents { get; init; }

    public long Bytes { get; init; }

    /// <summary>Restore: documents whose _id the target already had (an earlier run wrote them).</summary>
    public long AlreadyPresent { get; init; }

    /// <summary>Restore: documents whose _id the target had with other bytes, replaced by the dump's.</summary>
    public long Replaced { get; init; }

    /// <summary>Restore: true when documents were written from a part of the dump that then failed to read or its checksum.</summary>
    public bool WrittenFromDamagedPart { get; init; }

    /// <summary>Restore: the target collection's UUID when this run created it (so a resumed run knows it may replace it).</summary>
    public Guid? CreatedTargetUuid { get; init; }

    /// <summary>CRC-64 of the namespace's documents in the order written or read, when known.</summary>
    public ulong? Crc { get; init; }

    /// <summary>Indexes that could not be built, one line each.</summary>
    public IReadOnlyList<string> IndexErrors { get; init; } = [];

    /// <summary>Things done differently from the dump, one line each (e.g. a legacy option left out).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public string? Error { get; init; }
}
