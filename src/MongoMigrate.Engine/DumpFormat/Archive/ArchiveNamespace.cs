namespace MongoMigrate.Engine.DumpFormat.Archive;

/// <summary>
/// One collection-metadata entry of an archive's prelude: a namespace with its metadata.json text and type.
/// Data segments use the same namespace, except time-series data, which comes from system.buckets.&lt;name&gt;.
/// </summary>
public sealed class ArchiveNamespace
{
    /// <summary>Describes a namespace from parsed metadata (the JSON text is generated in mongodump's form).</summary>
    public ArchiveNamespace(string database, string collection, CollectionMetadata? metadata, string? type = null, int size = 0)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(collection);
        Database = database;
        Collection = collection;
        Metadata = metadata;
        MetadataJson = metadata?.ToJson() ?? string.Empty;
        Type = type ?? metadata?.Type ?? string.Empty;
        Size = size;
    }

    /// <summary>Describes a namespace from metadata.json text, kept exactly; it is parsed at once and must be valid.</summary>
    public ArchiveNamespace(string database, string collection, string metadataJson, string? type = null, int size = 0)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentNullException.ThrowIfNull(metadataJson);
        Database = database;
        Collection = collection;
        MetadataJson = metadataJson;
        Metadata = string.IsNullOrWhiteSpace(metadataJson) ? null : CollectionMetadata.Parse(metadataJson, $"metadata of namespace {database}.{collection}");
        Type = type ?? Metadata?.Type ?? string.Empty;
        Size = size;
    }

    /// <summary>The oplog entry of an archive dumped with --oplog.</summary>
    public static ArchiveNamespace Oplog() => new(string.Empty, ArchiveFormat.OplogCollection, string.Empty, string.Empty);

    public string Database { get; }

    public string Collection { get; }

    /// <summary>The metadata.json text as stored ("" for the oplog).</summary>
    public string MetadataJson { get; }

    /// <summary>The parsed metadata, or null when the text is empty.</summary>
    public CollectionMetadata? Metadata { get; }

    /// <summary>"", "collection", "view" or "timeseries" as the prelude says.</summary>
    public string Type { get; }

    /// <summary>The prelude's size field (0 in every archive mongodump writes).</summary>
    public int Size { get; }

    public string FullName => $"{Database}.{Collection}";

    public bool IsOplog => Database.Length == 0 && Collection == ArchiveFormat.OplogCollection;

    public bool IsView => Type == CollectionMetadata.ViewType || (Metadata?.IsView ?? false);

    public bool IsTimeSeries => Type == CollectionMetadata.TimeSeriesType || (Metadata?.IsTimeSeries ?? false);

    /// <summary>The collection whose documents the segments carry: system.buckets.&lt;name&gt; for time-series, else the collection.</summary>
    public string DataCollection => IsTimeSeries ? TimeSeriesBuckets.Prefix + Collection : Collection;

    public override string ToString() => FullName;
}
