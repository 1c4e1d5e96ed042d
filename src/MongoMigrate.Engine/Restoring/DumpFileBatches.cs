using System.Threading.Channels;
using MongoMigrate.Engine.DumpFormat;

namespace MongoMigrate.Engine.Restoring;

/// <summary>Reads a collection's .bson file of a directory dump in batches, every document checked, for a restore.</summary>
internal static class DumpFileBatches
{
    /// <summary>
    /// Reads the file (gunzipping .gz) into batches of at most <paramref name="batchDocuments"/> documents and about
    /// <paramref name="batchBytes"/> bytes. The channel completes after the last batch, or with the error that names
    /// the file and the offset where it breaks.
    /// </summary>
    public static async Task ProduceAsync(string path, ChannelWriter<DocumentBatch> writer, Crc64 crc, int batchDocuments, int batchBytes, CancellationToken cancellationToken)
    {
        Exception? error = null;
        DocumentBatch? batch = null;
        try
        {
            var reader = BsonStreamReader.OpenFile(path, new BsonStreamReaderOptions { ValidateDocuments = true });
            await using (reader.ConfigureAwait(false))
            {
                try
                {
                    while (await ReadAsync(reader, path, cancellationToken).ConfigureAwait(false))
                    {
                        var document = reader.Current;
                        if (batch is not null && (batch.Count >= batchDocuments || batch.Length + document.Length > batchBytes))
                        {
                            var full = batch;
                            batch = null;
                            await WriteAsync(writer, full, cancellationToken).ConfigureAwait(false);
                        }

                        batch ??= new DocumentBatch(Math.Max(batchBytes, document.Length));
                        batch.Add(document.Span);
                        crc.Append(document.Span);
                    }
                }
                catch (DumpFormatException e)
                {
                    // The documents before the break go in, as mongorestore's would; the collection still fails.
                    error = e;
                }
            }

            if (batch is not null)
            {
                var last = batch;
                batch = null;
                await WriteAsync(writer, last, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            error = e;
            batch?.Dispose();
        }
        finally
        {
            writer.TryComplete(error);
        }
    }

    private static async ValueTask<bool> ReadAsync(BsonStreamReader reader, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new DumpFormatException(path, reader.Position, $"the gzip data is damaged after offset {reader.Position} of the decompressed stream: {e.Message}", e);
        }
    }

    private static async ValueTask WriteAsync(ChannelWriter<DocumentBatch> writer, DocumentBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }
}
