using System.Threading.Channels;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.DumpFormat.Archive;

namespace MongoMigrate.Engine.Restoring;

/// <summary>
/// A mongodump archive as a restore reads it: one sequential read, every document and CRC checked, its namespaces
/// fanned out to their restores as they appear (the archive's interleaving decides which run at once).
/// </summary>
internal sealed class ArchiveRestoreSource(ArchiveReader reader, CountingReadStream counting, long? length, RestoreJobOptions options) : RestoreSource
{
    /// <summary>
    /// The archive's size, scaled by how much a compressed one has expanded so far: the documents are nearly all of
    /// an archive's bytes. A stream of unknown length gives no estimate.
    /// </summary>
    public override Func<long>? EstimateTotalBytes => length is not { } total ? null : () =>
    {
        var compressed = counting.BytesRead;
        return !reader.IsGzip || compressed == 0 ? total : (long)(total * ((double)reader.Position / compressed));
    };

    public override async Task RunAsync(
        IReadOnlyList<RestoreItem> items,
        Func<RestoreItem, ChannelReader<DocumentBatch>, Func<ulong?>, CancellationToken, Task> restore,
        CancellationToken cancellationToken)
    {
        var byNamespace = items.ToDictionary(i => i.ArchiveNamespace!);
        var demultiplexer = new ArchiveDemultiplexer(reader, new ArchiveDemultiplexerOptions
        {
            BatchBytes = options.BatchBytes,
            BatchDocuments = options.BatchDocuments,
        });
        await demultiplexer.RunAsync(
            (ns, batches, token) =>
            {
                // The CRC was checked against the EOF block by then; it is what the archive says for the namespace.
                ulong? Crc()
                {
                    var statistics = reader.GetStatistics(ns);
                    return statistics.IsComplete ? statistics.Crc : null;
                }

                return restore(byNamespace[ns], batches, Crc, token);
            },
            byNamespace.ContainsKey,
            cancellationToken).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync() => reader.DisposeAsync();
}
