using System.Threading.Channels;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Engine.Restoring;

/// <summary>
/// The dump a restore reads: its plan (read from metadata before anything is written), and the documents of each
/// collection handed to a restore callback as a channel of batches.
/// </summary>
internal abstract class RestoreSource : IAsyncDisposable
{
    public required RestorePlan Plan { get; init; }

    /// <summary>The deployment the dump was read from, when the dump says (mongomigrate's dumps do).</summary>
    public string? SourceDeployment { get; init; }

    /// <summary>
    /// True when the dump may still be being written while the restore reads it: an archive streamed on stdin. An
    /// archive file of mongomigrate appears only once complete, and a directory dump's prelude.json is written last.
    /// </summary>
    public bool MayBeInProgress { get; init; }

    /// <summary>Every namespace the dump holds, selected or not: what its dump reads.</summary>
    public IReadOnlyList<Namespaces.NamespaceName> DumpedNamespaces { get; init; } = [];

    /// <summary>Estimates the bytes of documents the dump holds, for progress; null when the collections' own sizes tell.</summary>
    public virtual Func<long>? EstimateTotalBytes => null;

    /// <summary>
    /// Hands each item's documents to <paramref name="restore"/> (with a way to get the CRC-64 of what was read, once
    /// complete) and returns when every call has. A dump that breaks off fails the calls it affects, then this one.
    /// </summary>
    public abstract Task RunAsync(
        IReadOnlyList<RestoreItem> items,
        Func<RestoreItem, ChannelReader<DocumentBatch>, Func<ulong?>, CancellationToken, Task> restore,
        CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Reads the dump's catalog: a directory's metadata files, or an archive's prelude.</summary>
    public static async Task<RestoreSource> OpenAsync(RestoreJobOptions options, List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenCoreAsync(options, notes, cancellationToken).ConfigureAwait(false);
        }
        catch (DumpFormatException e)
        {
            // The message names the file (or archive) and where it breaks.
            throw new MigrationException($"The dump cannot be read: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new MigrationException($"The dump {options.Source.Display} cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new MigrationException($"The dump {options.Source.Display} cannot be read: {e.Message}", e);
        }
    }

    private static async Task<RestoreSource> OpenCoreAsync(RestoreJobOptions options, List<string> notes, CancellationToken cancellationToken)
    {
        var location = options.Source;
        if (!location.IsArchive)
        {
            return await DirectoryRestoreSource.OpenAsync(location.Path!, options, notes, cancellationToken).ConfigureAwait(false);
        }

        Stream input;
        long? length = null;
        if (location.Path is { } path)
        {
            if (Directory.Exists(path))
            {
                throw new MigrationException($"--archive {path} is a folder: use --dir for a directory dump.");
            }

            if (!File.Exists(path))
            {
                throw new MigrationException($"The archive {path} does not exist.");
            }

            input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            length = input.Length;
        }
        else
        {
            input = location.Stream!;
        }

        var counting = new CountingReadStream(input);
        var readerOptions = new ArchiveReaderOptions { ValidateDocuments = true, LeaveOpen = location.Stream is not null };
        ArchiveReader reader;
        try
        {
            reader = await ArchiveReader.OpenAsync(counting, location.Display, readerOptions, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (location.Stream is null)
            {
                await counting.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        try
        {
            return new ArchiveRestoreSource(reader, counting, length, options)
            {
                Plan = RestorePlan.FromArchive(reader, options.Selection),
                SourceDeployment = reader.Header.SourceDeployment,
                MayBeInProgress = location.Stream is not null,
                DumpedNamespaces = [.. reader.Namespaces.Select(n => new Namespaces.NamespaceName(n.Database, n.Collection))],
            };
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
