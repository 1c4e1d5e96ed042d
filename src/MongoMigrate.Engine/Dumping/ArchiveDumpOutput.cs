using System.IO.Compression;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Dumping;

/// <summary>
/// A mongodump archive. A file is written under a temporary name beside the final one and renamed only when the
/// archive is complete; a stream (stdout) is written directly, and an incomplete one fails any reader at its end.
/// </summary>
internal sealed class ArchiveDumpOutput : DumpOutput
{
    private readonly ArchiveWriter _writer;
    private readonly Dictionary<NamespaceName, ArchiveNamespace> _namespaces;
    private readonly string? _temporaryPath;
    private readonly string? _finalPath;
    private bool _completed;
    private bool _disposed;

    private ArchiveDumpOutput(ArchiveWriter writer, Dictionary<NamespaceName, ArchiveNamespace> namespaces, string? temporaryPath, string? finalPath)
    {
        _writer = writer;
        _namespaces = namespaces;
        _temporaryPath = temporaryPath;
        _finalPath = finalPath;
    }

    public override bool IsAllOrNothing => true;

    public static async Task<ArchiveDumpOutput> CreateAsync(
        DumpLocation destination,
        DumpJobOptions options,
        ArchiveHeader header,
        IReadOnlyList<(NamespaceName Namespace, CollectionMetadata Metadata)> namespaces,
        CancellationToken cancellationToken)
    {
        var archiveNamespaces = namespaces.ToDictionary(n => n.Namespace, n => new ArchiveNamespace(n.Namespace.Database, n.Namespace.Collection, n.Metadata));
        Stream stream;
        string? temporary = null;
        string? final = null;
        if (destination.Path is { } path)
        {
            final = Path.GetFullPath(path);
            if (Directory.Exists(final))
            {
                throw new MigrationException($"--archive {path} is a folder; give a file name (or use --out for a directory dump).");
            }

            var folder = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(folder);
            temporary = Path.Combine(folder, $".{Path.GetFileName(final)}.partial-{Guid.NewGuid():N}");
            stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        }
        else
        {
            stream = destination.Stream!;
        }

        try
        {
            var writerOptions = new ArchiveWriterOptions
            {
                Gzip = options.Gzip,
                CompressionLevel = CompressionLevel.Fastest,
                MaxSegmentBytes = options.ArchiveSegmentBytes,
                LeaveOpen = destination.Stream is not null,
            };
            var writer = await ArchiveWriter.CreateAsync(stream, header, archiveNamespaces.Values, writerOptions, cancellationToken).ConfigureAwait(false);
            return new ArchiveDumpOutput(writer, archiveNamespaces, temporary, final);
        }
        catch
        {
            if (temporary is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                File.Delete(temporary);
            }

            throw;
        }
    }

    public override DumpSink OpenCollection(NamespaceName ns, CollectionMetadata metadata) => new ArchiveDumpSink(_writer.OpenNamespace(_namespaces[ns]));

    public override async Task WriteViewAsync(NamespaceName ns, CollectionMetadata metadata, CancellationToken cancellationToken)
    {
        // A view is an empty segment and its EOF block, as mongodump writes it.
        var writer = _writer.OpenNamespace(_namespaces[ns]);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (_temporaryPath is not null)
        {
            File.Move(_temporaryPath, _finalPath!, overwrite: true);
        }

        _completed = true;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_completed)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            if (_temporaryPath is not null)
            {
                File.Delete(_temporaryPath);
            }
        }
    }
}
