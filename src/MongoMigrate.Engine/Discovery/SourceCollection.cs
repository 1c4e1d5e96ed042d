using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Discovery;

/// <summary>A collection to migrate, as found on the source: its options and indexes (raw) and its size.</summary>
public sealed record SourceCollection
{
    public required NamespaceName Namespace { get; init; }

    /// <summary>listCollections options (capped, validator, collation...), exactly as the source reports them.</summary>
    public required RawDocument Options { get; init; }

    /// <summary>listIndexes specifications, exactly as the source reports them.</summary>
    public required IReadOnlyList<RawDocument> Indexes { get; init; }

    /// <summary>The collection's UUID on the source, when reported.</summary>
    public Guid? Uuid { get; init; }

    /// <summary>Document count from collection metadata (fast, may be slightly off after an unclean shutdown).</summary>
    public long EstimatedCount { get; init; }

    /// <summary>Uncompressed data size in bytes from collection metadata.</summary>
    public long EstimatedBytes { get; init; }

    public long AverageDocumentSize => EstimatedCount == 0 ? 0 : EstimatedBytes / EstimatedCount;

    public bool IsCapped => Options.TryGetValue("capped", out var capped) && capped.IsTruthy;
}
