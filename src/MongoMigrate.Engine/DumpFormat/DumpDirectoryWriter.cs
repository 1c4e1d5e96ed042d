using System.IO.Compression;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// Writes a mongodump directory layout: &lt;root&gt;/&lt;db&gt;/&lt;escaped collection&gt;.bson and .metadata.json,
/// prelude.json and oplog.bson at the root, every file gzipped with a .gz suffix when asked (mongodump --gzip).
/// Views get metadata only; time-series data goes to system.buckets.&lt;name&gt;.bson with metadata under the name.
/// </summary>
public sealed class DumpDirectoryWriter(string root, bool gzip = false, CompressionLevel compressionLevel = CompressionLevel.Optimal)
{
    public string Root { get; } = root;

    public bool Gzip { get; } = gzip;

    /// <summary>Validate every document fully before writing it (framing is always checked).</summary>
    public bool ValidateDocuments { get; init; }

    /// <summary>Where a collection's documents go (the collection named as the data is: system.buckets.x for time-series).</summary>
    public string DataPath(string database, string dataCollection) =>
        Path.Combine(Root, database, CollectionNameEscaping.FileStem(dataCollection) + ".bson" + Suffix);

    /// <summary>Where a collection's metadata goes.</summary>
    public string MetadataPath(string database, string collection) =>
        Path.Combine(Root, database, CollectionNameEscaping.FileStem(collection) + ".metadata.json" + Suffix);

    public string OplogPath => Path.Combine(Root, "oplog.bson" + Suffix);

    private string Suffix => Gzip ? ".gz" : string.Empty;

    /// <summary>Writes prelude.json at the root, or in the database's folder for a single-database dump.</summary>
    public Task WritePreludeAsync(DumpPrelude prelude, string? database = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prelude);
        var folder = database is null ? Root : Path.Combine(Root, database);
        return WriteSmallFileAsync(Path.Combine(folder, DumpPrelude.FileName + Suffix), prelude.ToUtf8Json(), cancellationToken);
    }

    /// <summary>Writes &lt;db&gt;/&lt;collection&gt;.metadata.json (the logical name for views and time-series).</summary>
    public Task WriteMetadataAsync(string database, string collection, CollectionMetadata metadata, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.CollectionName is null)
        {
            // Needed to restore a shortened long name, and what mongodump writes anyway.
            metadata = new CollectionMetadata
            {
                Options = metadata.Options,
                Indexes = metadata.Indexes,
                Uuid = metadata.Uuid,
                CollectionName = collection,
                Type = metadata.Type,
            };
        }

        return WriteSmallFileAsync(MetadataPath(database, collection), metadata.ToUtf8Json(), cancellationToken);
    }

    /// <summary>Starts &lt;db&gt;/&lt;dataCollection&gt;.bson; complete the writer to keep the file.</summary>
    public BsonFileWriter CreateDataFile(string database, string dataCollection) =>
        BsonFileWriter.Create(DataPath(database, dataCollection), Gzip, compressionLevel, ValidateDocuments);

    /// <summary>Starts oplog.bson at the root (mongodump --oplog).</summary>
    public BsonFileWriter CreateOplogFile() => BsonFileWriter.Create(OplogPath, Gzip, compressionLevel, ValidateDocuments);

    private async Task WriteSmallFileAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = BsonFileWriter.TemporaryPathFor(path);
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            if (Gzip)
            {
                await using var gzip = new GZipStream(file, compressionLevel, leaveOpen: true);
                await gzip.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }
}
