using System.Threading.Channels;
using MongoMigrate.Engine.DumpFormat;

namespace MongoMigrate.Engine.Restoring;

/// <summary>
/// A mongodump directory as a restore reads it: -j collections at once, largest first, each file read by its own
/// task into a small bounded channel, every document checked.
/// </summary>
internal sealed class DirectoryRestoreSource(RestoreJobOptions options) : RestoreSource
{
    public static async Task<DirectoryRestoreSource> OpenAsync(string root, RestoreJobOptions options, List<string> notes, CancellationToken cancellationToken)
    {
        if (File.Exists(root))
        {
            throw new MigrationException($"--dir {root} is a file: use --archive for an archive.");
        }

        if (!Directory.Exists(root))
        {
            throw new MigrationException($"The dump directory {root} does not exist.");
        }

        var dump = await DumpDirectory.OpenAsync(root, cancellationToken).ConfigureAwait(false);
        if (dump.Namespaces.Count == 0 && Directory.EnumerateFiles(root).Any(IsCollectionFile))
        {
            // Pointed at one database's folder (what mongorestore needs --db for): its name is the database's.
            var database = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
            dump = await DumpDirectory.OpenDatabaseAsync(root, database, cancellationToken).ConfigureAwait(false);
            notes.Add($"{root} holds collection files, not database folders: restored as the dump of database '{database}'");
        }

        return new DirectoryRestoreSource(options)
        {
            Plan = RestorePlan.FromDirectory(dump, options.Selection),
            SourceDeployment = dump.Prelude?.SourceDeployment,
            DumpedNamespaces = [.. dump.Namespaces.Select(n => new Namespaces.NamespaceName(n.Database, n.Collection))],
        };
    }

    public override async Task RunAsync(
        IReadOnlyList<RestoreItem> items,
        Func<RestoreItem, ChannelReader<DocumentBatch>, Func<ulong?>, CancellationToken, Task> restore,
        CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(options.ParallelCollections);
        var tasks = items.OrderByDescending(i => i.EstimatedBytes).Select(async item =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await RestoreOneAsync(item, restore, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static bool IsCollectionFile(string path)
    {
        var name = Path.GetFileName(path);
        return name != "oplog.bson" && name != "oplog.bson.gz"
            && (name.EndsWith(".bson", StringComparison.Ordinal) || name.EndsWith(".bson.gz", StringComparison.Ordinal)
                || name.EndsWith(".metadata.json", StringComparison.Ordinal) || name.EndsWith(".metadata.json.gz", StringComparison.Ordinal));
    }

    private async Task RestoreOneAsync(
        RestoreItem item,
        Func<RestoreItem, ChannelReader<DocumentBatch>, Func<ulong?>, CancellationToken, Task> restore,
        CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<DocumentBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var crc = new Crc64();
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task reading;
        if (item.DataPath is { } path)
        {
            reading = Task.Run(() => DumpFileBatches.ProduceAsync(path, channel.Writer, crc, options.BatchDocuments, options.BatchBytes, stopReading.Token), CancellationToken.None);
        }
        else
        {
            // Metadata only: the collection is created empty.
            channel.Writer.TryComplete();
            reading = Task.CompletedTask;
        }

        try
        {
            // The file's CRC counts only once every document was read and handed over.
            await restore(item, channel.Reader, () => channel.Reader.Completion.IsCompletedSuccessfully ? crc.Value : null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The restore may stop early (its target refused it): the reader must not wait for it forever.
            await stopReading.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
            while (channel.Reader.TryRead(out var left))
            {
                left.Dispose();
            }
        }
    }
}
