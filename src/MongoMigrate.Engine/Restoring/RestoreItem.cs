using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Restoring;

/// <summary>One namespace of a dump that a restore writes: a collection (with data) or a view, and where it goes.</summary>
internal sealed class RestoreItem
{
    /// <summary>The namespace as the dump names it.</summary>
    public required NamespaceName Source { get; init; }

    public required NamespaceName Target { get; init; }

    public required bool IsView { get; init; }

    /// <summary>Options and indexes from metadata.json, or null when the dump has none for it.</summary>
    public CollectionMetadata? Metadata { get; init; }

    /// <summary>The .bson file of a directory dump (null for a view, or in an archive).</summary>
    public string? DataPath { get; init; }

    /// <summary>The archive's entry for it (null in a directory dump).</summary>
    public ArchiveNamespace? ArchiveNamespace { get; init; }

    /// <summary>Size of the data on disk (compressed when gzipped), for ordering and progress.</summary>
    public long EstimatedBytes { get; init; }

    public string Key => Source.FullName;

    public bool IsCapped => Metadata?.Options is { } options && options.TryGetValue("capped", out var capped) && capped.IsTruthy;
}
