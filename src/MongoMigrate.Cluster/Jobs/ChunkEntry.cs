namespace MongoMigrate.Cluster.Jobs;

/// <summary>A chunk in the job grain's state: where it is, which silo holds it or copied it, what it copied.</summary>
[GenerateSerializer]
public sealed class ChunkEntry
{
    [Id(0)]
    public int Collection { get; set; }

    [Id(1)]
    public int Index { get; set; }

    [Id(2)]
    public ChunkPhase Phase { get; set; }

    /// <summary>The silo holding the lease while Leased; the one that copied it once Done.</summary>
    [Id(3)]
    public string? Silo { get; set; }

    /// <summary>How many times it was leased.</summary>
    [Id(4)]
    public int Leases { get; set; }

    [Id(5)]
    public long Documents { get; set; }

    [Id(6)]
    public long Bytes { get; set; }

    [Id(7)]
    public ulong? SourceDigest { get; set; }

    [Id(8)]
    public string? Error { get; set; }
}
