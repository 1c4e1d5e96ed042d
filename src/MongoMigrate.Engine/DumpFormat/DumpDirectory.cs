using MongoMigrate.Bson;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// A mongodump directory dump, enumerated: its namespaces (with metadata parsed and kinds detected), the oplog
/// and prelude if present, and what was skipped. Enumeration reads only metadata, never the .bson data files.
/// </summary>
public sealed class DumpDirectory
{
    private const string SystemIndexes = "system.indexes";

    private DumpDirectory(string root, DumpPrelude? prelude, string? preludePath, string? oplogPath, List<DumpNamespaceEntry> namespaces, List<string> skipped)
    {
        Root = root;
        Prelude = prelude;
        PreludePath = preludePath;
        OplogPath = oplogPath;
        Namespaces = namespaces;
        Skipped = skipped;
    }

    public string Root { get; }

    /// <summary>prelude.json (at the root, or in a database folder), when the dump has one.</summary>
    public DumpPrelude? Prelude { get; }

    public string? PreludePath { get; }

    /// <summary>oplog.bson(.gz) at the root (a dump taken with --oplog); reported, not replayed here.</summary>
    public string? OplogPath { get; }

    /// <summary>Namespaces ordered by database, then collection (ordinal).</summary>
    public IReadOnlyList<DumpNamespaceEntry> Namespaces { get; }

    /// <summary>Files and folders that are not part of the layout, each with the reason (mongorestore logs and skips them).</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Enumerates a dump root: one folder per database, plus oplog.bson and prelude.json.</summary>
    public static async Task<DumpDirectory> OpenAsync(string root, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Dump directory '{root}' does not exist.");
        }

        var namespaces = new List<DumpNamespaceEntry>();
        var skipped = new List<string>();
        DumpPrelude? prelude = null;
        string? preludePath = null;
        string? oplogPath = null;
        foreach (var path in Directory.EnumerateFileSystemEntries(root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (Directory.Exists(path))
            {
                if (!IsValidDatabaseName(name))
                {
                    skipped.Add($"{path}: not a valid database name");
                    continue;
                }

                var database = await ScanDatabaseAsync(path, name, namespaces, skipped, cancellationToken).ConfigureAwait(false);
                if (prelude is null && database.Prelude is not null)
                {
                    (prelude, preludePath) = (database.Prelude, database.PreludePath);
                }
            }
            else if (name is "oplog.bson" or "oplog.bson.gz")
            {
                oplogPath = path;
            }
            else if (name is DumpPrelude.FileName or DumpPrelude.FileName + ".gz")
            {
                prelude = DumpPrelude.Parse(await ReadFileAsync(path, cancellationToken).ConfigureAwait(false), path);
                preludePath = path;
            }
            else
            {
                skipped.Add($"{path}: not a database folder, oplog.bson or prelude.json");
            }
        }

        Sort(namespaces);
        return new DumpDirectory(root, prelude, preludePath, oplogPath, namespaces, skipped);
    }

    /// <summary>Enumerates one database's folder (a dump of a single database, or mongorestore --db x dir).</summary>
    public static async Task<DumpDirectory> OpenDatabaseAsync(string folder, string database, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Database folder '{folder}' does not exist.");
        }

        var namespaces = new List<DumpNamespaceEntry>();
        var skipped = new List<string>();
        var scan = await ScanDatabaseAsync(folder, database, namespaces, skipped, cancellationToken).ConfigureAwait(false);
        Sort(namespaces);
        return new DumpDirectory(folder, scan.Prelude, scan.PreludePath, null, namespaces, skipped);
    }

    /// <summary>Opens a namespace's documents for streaming; gzip follows the file name.</summary>
    public static BsonStreamReader OpenData(DumpNamespaceEntry entry, BsonStreamReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.DataPath is null
            ? throw new InvalidOperationException($"{entry.FullName} has no data file (a {entry.Kind} with metadata only).")
            : BsonStreamReader.OpenFile(entry.DataPath, options);
    }

    /// <summary>Opens oplog.bson for streaming.</summary>
    public BsonStreamReader OpenOplog(BsonStreamReaderOptions? options = null) =>
        OplogPath is null ? throw new InvalidOperationException("The dump has no oplog.bson.") : BsonStreamReader.OpenFile(OplogPath, options);

    private static async Task<DatabaseScan> ScanDatabaseAsync(string folder, string database, List<DumpNamespaceEntry> namespaces, List<string> skipped, CancellationToken cancellationToken)
    {
        var scan = new DatabaseScan();
        var metadataFiles = new List<(string Path, string Stem)>();
        var dataFiles = new List<(string Path, string Stem)>();
        foreach (var path in Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (Directory.Exists(path))
            {
                // A folder named like a collection's file would otherwise restore the collection empty, or without its metadata.
                if (TrimSuffix(name, ".metadata.json.gz", ".metadata.json", ".bson.gz", ".bson", ".bin") is not null)
                {
                    throw new DumpFormatException(path, null, "is a folder, but a collection's data and metadata are files of that name: remove or rename the folder, or take the dump again");
                }

                skipped.Add($"{path}: a folder inside a database folder");
            }
            else if (name is DumpPrelude.FileName or DumpPrelude.FileName + ".gz")
            {
                scan.Prelude = DumpPrelude.Parse(await ReadFileAsync(path, cancellationToken).ConfigureAwait(false), path);
                scan.PreludePath = path;
            }
            else if (TrimSuffix(name, ".metadata.json.gz", ".metadata.json") is { } metadataStem)
            {
                metadataFiles.Add((path, metadataStem));
            }
            else if (TrimSuffix(name, ".bson.gz", ".bson", ".bin") is { } dataStem)
            {
                dataFiles.Add((path, dataStem));
            }
            else
            {
                skipped.Add($"{path}: neither .bson nor .metadata.json");
            }
        }

        // Metadata first: it names collections whose file names were shortened.
        var metadataByName = new Dictionary<string, (string Path, CollectionMetadata? Metadata)>(StringComparer.Ordinal);
        var nameByStem = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, stem) in metadataFiles)
        {
            var metadata = CollectionMetadata.Parse(await ReadFileAsync(path, cancellationToken).ConfigureAwait(false), path);
            var name = CollectionNameEscaping.IsTruncatedStem(stem)
                ? metadata.CollectionName ?? throw new DumpFormatException(path, null, "the file name is a shortened long name but the metadata has no collectionName")
                : Unescape(stem, path);
            if (!metadataByName.TryAdd(name, (path, ReferenceEquals(metadata, CollectionMetadata.Empty) ? null : metadata)))
            {
                throw new DumpFormatException(path, null, $"a second metadata file for collection {database}.{name}");
            }

            nameByStem.TryAdd(CollectionNameEscaping.FileStem(name), name);
            nameByStem.TryAdd(CollectionNameEscaping.FileStem(TimeSeriesBuckets.Prefix + name), TimeSeriesBuckets.Prefix + name);
        }

        var dataByName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, stem) in dataFiles)
        {
            var name = CollectionNameEscaping.IsTruncatedStem(stem)
                ? nameByStem.GetValueOrDefault(stem) ?? throw new DumpFormatException(path, null, "the file name is a shortened long name and no metadata file gives the collection's real name")
                : Unescape(stem, path);
            if (!dataByName.TryAdd(name, path))
            {
                throw new DumpFormatException(path, null, $"a second data file for collection {database}.{name} ({dataByName[name]})");
            }
        }

        var legacyIndexes = dataByName.Remove(SystemIndexes, out var systemIndexesPath)
            ? await ReadSystemIndexesAsync(systemIndexesPath, cancellationToken).ConfigureAwait(false)
            : null;

        var entries = new List<DumpNamespaceEntry>();
        var claimedMetadata = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, path) in dataByName)
        {
            var logical = name;
            var isBuckets = false;
            if (name.StartsWith(TimeSeriesBuckets.Prefix, StringComparison.Ordinal))
            {
                var candidate = name[TimeSeriesBuckets.Prefix.Length..];
                var candidateMetadata = metadataByName.GetValueOrDefault(candidate).Metadata;
                var plainCollectionExists = dataByName.ContainsKey(candidate) && candidateMetadata?.IsTimeSeries != true;
                if (!plainCollectionExists && (candidateMetadata?.IsTimeSeries == true || !metadataByName.ContainsKey(name)))
                {
                    (logical, isBuckets) = (candidate, true);
                }
            }

            var (metadataPath, metadata) = metadataByName.GetValueOrDefault(logical);
            claimedMetadata.Add(logical);
            entries.Add(new DumpNamespaceEntry
            {
                Database = database,
                Collection = logical,
                Kind = isBuckets ? DumpNamespaceKind.TimeSeries : KindOf(database, logical, metadata),
                DataPath = path,
                DataCollection = name,
                DataFileLength = new FileInfo(path).Length,
                MetadataPath = metadataPath,
                Metadata = metadata,
            });
        }

        foreach (var (name, (path, metadata)) in metadataByName)
        {
            if (!claimedMetadata.Contains(name))
            {
                entries.Add(new DumpNamespaceEntry
                {
                    Database = database,
                    Collection = name,
                    Kind = KindOf(database, name, metadata),
                    MetadataPath = path,
                    Metadata = metadata,
                });
            }
        }

        if (legacyIndexes is not null)
        {
            ApplyLegacyIndexes(entries, legacyIndexes, systemIndexesPath!, skipped);
        }

        namespaces.AddRange(entries);
        return scan;
    }

    /// <summary>Pre-3.0 dumps list indexes in system.indexes.bson; they count only where the metadata has none.</summary>
    private static void ApplyLegacyIndexes(List<DumpNamespaceEntry> entries, Dictionary<string, List<RawDocument>> legacyIndexes, string path, List<string> skipped)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Metadata is { Indexes.Count: > 0 } || !legacyIndexes.Remove(entry.Collection, out var indexes))
            {
                continue;
            }

            var metadata = entry.Metadata ?? CollectionMetadata.Empty;
            entries[i] = new DumpNamespaceEntry
            {
                Database = entry.Database,
                Collection = entry.Collection,
                Kind = entry.Kind,
                DataPath = entry.DataPath,
                DataCollection = entry.DataCollection,
                DataFileLength = entry.DataFileLength,
                MetadataPath = entry.MetadataPath,
                Metadata = new CollectionMetadata
                {
                    Options = metadata.Options,
                    Indexes = indexes,
                    Uuid = metadata.Uuid,
                    CollectionName = metadata.CollectionName,
                    Type = metadata.Type,
                },
                IndexesFromSystemIndexes = true,
            };
        }

        foreach (var collection in legacyIndexes.Keys.Order(StringComparer.Ordinal))
        {
            skipped.Add($"{path}: indexes for {collection}, which has neither data nor metadata here, or whose metadata lists its own indexes");
        }
    }

    private static async Task<Dictionary<string, List<RawDocument>>> ReadSystemIndexesAsync(string path, CancellationToken cancellationToken)
    {
        var byCollection = new Dictionary<string, List<RawDocument>>(StringComparer.Ordinal);
        await using var reader = BsonStreamReader.OpenFile(path, new BsonStreamReaderOptions { ValidateDocuments = true });
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var spec = new RawDocument(reader.CopyCurrent());
            var dot = spec.TryGetValue("ns", out var ns) && ns.Type == BsonTypeCode.String ? ns.AsString.IndexOf('.', StringComparison.Ordinal) : -1;
            if (dot < 0)
            {
                throw new DumpFormatException(path, reader.CurrentOffset, $"index spec at offset {reader.CurrentOffset} has no \"ns\" of the form db.collection");
            }

            var collection = ns.AsString[(dot + 1)..];
            if (!byCollection.TryGetValue(collection, out var list))
            {
                byCollection[collection] = list = [];
            }

            list.Add(spec);
        }

        return byCollection;
    }

    private static DumpNamespaceKind KindOf(string database, string collection, CollectionMetadata? metadata)
    {
        if (metadata?.IsView == true)
        {
            return DumpNamespaceKind.View;
        }

        if (metadata?.IsTimeSeries == true)
        {
            return DumpNamespaceKind.TimeSeries;
        }

        var special = collection.StartsWith("$admin.", StringComparison.Ordinal) ? collection["$admin.".Length..]
            : database == "admin" ? collection
            : null;
        return special switch
        {
            "system.users" => DumpNamespaceKind.Users,
            "system.roles" => DumpNamespaceKind.Roles,
            "system.version" => DumpNamespaceKind.AuthVersion,
            _ => DumpNamespaceKind.Collection,
        };
    }

    private static string Unescape(string stem, string path) =>
        CollectionNameEscaping.TryUnescape(stem, out var name)
            ? name
            : throw new DumpFormatException(path, null, $"the file name '{stem}' is not a valid escaped collection name (a '%' without two hex digits)");

    private static string? TrimSuffix(string name, params string[] suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return name[..^suffix.Length];
            }
        }

        return null;
    }

    private static bool IsValidDatabaseName(string name) =>
        name.Length is > 0 and < 64 && name.AsSpan().IndexOfAny("/\\. \"$*<>:|?") < 0;

    /// <summary>
    /// Reads a metadata or prelude file whole (gunzipped when its name ends in .gz), refusing more than
    /// <see cref="CollectionMetadata.MaxBytes"/> before holding it: mongodump never writes more, and a larger
    /// file would only fill memory.
    /// </summary>
    private static async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var gzipped = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        if (!gzipped && file.Length > CollectionMetadata.MaxBytes)
        {
            throw TooLarge(path, file.Length);
        }

        await using var input = gzipped ? new GzipInputStream(file, path, leaveOpen: true) : (Stream)file;
        using var buffer = new MemoryStream();
        var piece = new byte[81920];
        int read;
        while ((read = await input.ReadAsync(piece, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > CollectionMetadata.MaxBytes)
            {
                throw TooLarge(path, null);
            }

            buffer.Write(piece, 0, read);
        }

        return buffer.ToArray();
    }

    private static DumpFormatException TooLarge(string path, long? length) =>
        new(path, null, $"the file holds {(length is { } n ? $"{n} bytes, more" : "more")} than the {CollectionMetadata.MaxBytes} bytes (16 MiB) of metadata mongodump ever writes: it is not a mongodump metadata file");

    private static void Sort(List<DumpNamespaceEntry> namespaces) =>
        namespaces.Sort((a, b) =>
        {
            var byDatabase = string.CompareOrdinal(a.Database, b.Database);
            return byDatabase != 0 ? byDatabase : string.CompareOrdinal(a.Collection, b.Collection);
        });

    private sealed class DatabaseScan
    {
        public DumpPrelude? Prelude { get; set; }

        public string? PreludePath { get; set; }
    }
}
