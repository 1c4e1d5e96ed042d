using MongoMigrate.Bson;
using MongoMigrate.Engine.Partitioning;
using MongoMigrate.Engine.State;

namespace MongoMigrate.Engine.Migration;

/// <summary>
/// One _id range of a collection being migrated, as the copy works with it: its filter, where it stands, and what
/// its dump left on disk. The job state stores it as a <see cref="ChunkRecord"/>; <see cref="FromRecord"/> and
/// <see cref="ToRecord"/> are the one mapping between the two, and the copy path never handles a record itself.
/// </summary>
public sealed record Chunk
{
    /// <summary>Its place in the collection's plan, the key the state knows it by.</summary>
    public required int Index { get; init; }

    /// <summary>The filter that selects its range (<see cref="IdRange.ToFilter"/>), as planned.</summary>
    public required RawDocument Filter { get; init; }

    /// <summary>The range as a person reads it, for progress and errors.</summary>
    public required string Description { get; init; }

    public ChunkStatus Status { get; init; }

    /// <summary>Once dumped: its file (relative to the job folder), its documents, their bytes and CRC-64.</summary>
    public string? File { get; init; }

    public ulong? Checksum { get; init; }

    public long Documents { get; init; }

    public long Bytes { get; init; }

    /// <summary>Its range on the target is emptied before it is copied again (a verification found it different there).</summary>
    public bool ReplaceOnTarget { get; init; }

    /// <summary>A chunk of a new plan: <paramref name="range"/>, the <paramref name="index"/>-th of the collection, nothing done yet.</summary>
    public static Chunk Planned(IdRange range, int index) => new() { Index = index, Filter = range.ToFilter(), Description = range.ToString() };

    public static Chunk FromRecord(ChunkRecord record) => new()
    {
        Index = record.Index,
        Filter = new RawDocument(record.Filter),
        Description = record.Description,
        Status = record.Status,
        File = record.File,
        Checksum = record.Checksum,
        Documents = record.Documents,
        Bytes = record.Bytes,
        ReplaceOnTarget = record.ReplaceOnTarget,
    };

    /// <summary>The record a new plan saves for this chunk of <paramref name="sourceNamespace"/>.</summary>
    public ChunkRecord ToRecord(string sourceNamespace) => new()
    {
        SourceNamespace = sourceNamespace,
        Index = Index,
        Filter = Filter.Bytes.ToArray(),
        Description = Description,
        Status = Status,
        File = File,
        Checksum = Checksum,
        Documents = Documents,
        Bytes = Bytes,
        ReplaceOnTarget = ReplaceOnTarget,
    };
}
