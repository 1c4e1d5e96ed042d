using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Dumping;

/// <summary>Where a dump's collections and views go: a directory (one file pair each) or an archive (one namespace each).</summary>
internal abstract class DumpOutput : IAsyncDisposable
{
    /// <summary>True when one collection that fails spoils the whole output (an archive lists every namespace up front).</summary>
    public abstract bool IsAllOrNothing { get; }

    /// <summary>Starts a collection's data; complete the sink to keep it.</summary>
    public abstract DumpSink OpenCollection(NamespaceName ns, CollectionMetadata metadata);

    /// <summary>Writes a view: metadata only.</summary>
    public abstract Task WriteViewAsync(NamespaceName ns, CollectionMetadata metadata, CancellationToken cancellationToken);

    /// <summary>Finishes the dump once every collection and view is written.</summary>
    public abstract Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Abandons an output that was not completed, leaving nothing that looks complete.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>Opens the destination; an archive's prelude lists every namespace, so they are all known here.</summary>
    public static async Task<DumpOutput> OpenAsync(
        DumpJobOptions options,
        ArchiveHeader header,
        IReadOnlyList<(NamespaceName Namespace, CollectionMetadata Metadata)> namespaces,
        CancellationToken cancellationToken)
    {
        var destination = options.Destination;
        if (!destination.IsArchive)
        {
            var root = destination.Path!;
            if (File.Exists(root))
            {
                throw new MigrationException($"--out {root} is a file; a directory dump needs a folder (or use --archive for a single file).");
            }

            Directory.CreateDirectory(root);
            return new DirectoryDumpOutput(
                new DumpDirectoryWriter(root, options.Gzip, System.IO.Compression.CompressionLevel.Fastest),
                new DumpPrelude(header.ServerVersion, header.ToolVersion) { SourceDeployment = header.SourceDeployment });
        }

        return await ArchiveDumpOutput.CreateAsync(destination, options, header, namespaces, cancellationToken).ConfigureAwait(false);
    }
}
