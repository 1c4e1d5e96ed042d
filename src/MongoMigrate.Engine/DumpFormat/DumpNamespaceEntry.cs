namespace MongoMigrate.Engine.DumpFormat;

/// <summary>One namespace found in a directory dump: where its files are, its metadata and what kind it is.</summary>
public sealed class DumpNamespaceEntry
{
    public required string Database { get; init; }

    /// <summary>The real collection name (from metadata when the file name is a shortened long name).</summary>
    public required string Collection { get; init; }

    public required DumpNamespaceKind Kind { get; init; }

    /// <summary>The .bson (.bson.gz, legacy .bin) file, or null when the dump has only metadata (views).</summary>
    public string? DataPath { get; init; }

    /// <summary>The collection the data file holds: system.buckets.&lt;name&gt; for time-series, else <see cref="Collection"/>.</summary>
    public string? DataCollection { get; init; }

    /// <summary>Size of the data file on disk (compressed size when gzipped), a hint for scheduling.</summary>
    public long DataFileLength { get; init; }

    /// <summary>The .metadata.json(.gz) file, or null when there is none.</summary>
    public string? MetadataPath { get; init; }

    /// <summary>The parsed metadata; null when there is no metadata file or it is empty.</summary>
    public CollectionMetadata? Metadata { get; init; }

    /// <summary>The indexes came from a legacy system.indexes.bson because the metadata had none.</summary>
    public bool IndexesFromSystemIndexes { get; init; }

    public string FullName => $"{Database}.{Collection}";

    public bool DataIsGzipped => DataPath?.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ?? false;

    public override string ToString() => FullName;
}
