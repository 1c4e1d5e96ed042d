using MongoDB.Bson;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// Inserts raw documents into a target collection: unordered batches of at most 1000 documents and
/// about 8 MiB, validation bypassed. A duplicate _id counts as already present (an earlier attempt of
/// the same chunk wrote it), which makes re-running a chunk idempotent; any other write error fails.
/// </summary>
/// <remarks>
/// The documents go through the driver's insert API as <see cref="RawBsonDocument"/>s, which writes their bytes
/// as they are. An insert command built by hand and sent with RunCommand is not: the driver decodes it, which
/// refuses DBPointers and documents nested deeper than 100 levels, and can change values on the way.
/// </remarks>
public sealed class BatchInserter(RawCommandRunner target, string collection)
{
    public const int MaxDocumentsPerBatch = 1000;

    /// <summary>Bytes of documents per insert command; the command must stay under the server's 16 MiB + 16 KiB.</summary>
    public const int MaxBytesPerBatch = 8 * 1024 * 1024;

    private const int DuplicateKey = 11000;

    private static readonly InsertManyOptions Unordered = new() { IsOrdered = false, BypassDocumentValidation = true };

    private readonly IMongoCollection<RawBsonDocument> _collection = target.Database.GetCollection<RawBsonDocument>(collection);

    public async Task<InsertResult> InsertAsync(IReadOnlyList<RawDocument> documents, CancellationToken cancellationToken)
    {
        var total = default(InsertResult);
        var start = 0;
        while (start < documents.Count)
        {
            var end = start;
            long bytes = 0;
            while (end < documents.Count && end - start < MaxDocumentsPerBatch && (end == start || bytes + documents[end].Length <= MaxBytesPerBatch))
            {
                bytes += documents[end].Length;
                end++;
            }

            total += await InsertBatchAsync(documents, start, end, cancellationToken).ConfigureAwait(false);
            start = end;
        }

        return total;
    }

    private async Task<InsertResult> InsertBatchAsync(IReadOnlyList<RawDocument> documents, int start, int end, CancellationToken cancellationToken)
    {
        var batch = new List<RawBsonDocument>(end - start);
        try
        {
            for (var i = start; i < end; i++)
            {
                batch.Add(RawCommandRunner.ToRawBsonDocument(documents[i]));
            }

            await _collection.InsertManyAsync(batch, Unordered, cancellationToken).ConfigureAwait(false);
            return new InsertResult(end - start, 0);
        }
        catch (MongoBulkWriteException<RawBsonDocument> e)
        {
            long duplicates = 0;
            foreach (var error in e.WriteErrors)
            {
                if (error.Code == DuplicateKey && IsIdConflict(error))
                {
                    duplicates++;
                    continue;
                }

                throw new DocumentWriteException(collection, error.Code, error.Message, error.Index >= 0 && error.Index < end - start ? documents[start + error.Index] : null);
            }

            if (e.WriteConcernError is { } concern)
            {
                throw new DocumentWriteException(collection, concern.Code, "write concern error: " + concern.Message, null);
            }

            return new InsertResult(end - start - e.WriteErrors.Count, duplicates);
        }
        finally
        {
            foreach (var document in batch)
            {
                document.Dispose();
            }
        }
    }

    /// <summary>Only an _id conflict means "already copied"; a clash on a unique secondary index is real data trouble.</summary>
    private static bool IsIdConflict(BulkWriteError error) =>
        error.Message.Contains("index: _id_ ", StringComparison.Ordinal) || error.Message.EndsWith("index: _id_", StringComparison.Ordinal);
}
