using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// Inserts raw documents into a target collection: unordered batches of at most 1000 documents and
/// about 8 MiB, validation bypassed. A duplicate _id is already present when the target holds the same bytes (an
/// earlier attempt of the same chunk wrote it), which makes re-running a chunk idempotent; with other bytes (written
/// from a damaged dump, or changed since) it is replaced (<see cref="PresentDocuments"/>). Any other write error fails.
/// </summary>
/// <remarks>
/// The insert command (<see cref="InsertCommand"/>) is built as bytes and goes to the wire as it is (see <see cref="RawCommandRunner"/>):
/// nothing decodes the documents, so DBPointers, documents nested deeper than the driver's 100 levels and every
/// other value arrive unchanged (the BSON corpus round trip and the 150-level restore test prove it; past 200 levels the server refuses, as mongod does).
/// A batch holding a top-level Timestamp(0,0) carries bypassEmptyTsReplacement, without which MongoDB would store the current time instead
/// (see <see cref="EmptyTimestamps"/>).
/// </remarks>
public sealed class BatchInserter(RawCommandRunner target, string collection)
{
    public const int MaxDocumentsPerBatch = 1000;

    /// <summary>Bytes of documents per insert command; the command must stay under the server's 16 MiB + 16 KiB.</summary>
    public const int MaxBytesPerBatch = 8 * 1024 * 1024;

    private const int DuplicateKey = 11000;

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

            total += await InsertBatchAsync(documents, start, end, bytes, reconcile: true, cancellationToken).ConfigureAwait(false);
            start = end;
        }

        return total;
    }

    private async Task<InsertResult> InsertBatchAsync(IReadOnlyList<RawDocument> documents, int start, int end, long bytes, bool reconcile, CancellationToken cancellationToken)
    {
        // The command's own pooled bytes are sent (no copy); they go back to the pool only after the driver is done with them.
        RawDocument reply;
        var emptyTimestamp = FirstWithEmptyTimestamp(documents, start, end);
        try
        {
            using var command = new InsertCommand(collection, documents, start, end, bytes, keepEmptyTimestamps: emptyTimestamp is not null);
            reply = await target.RunAsync(command.Document, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (emptyTimestamp is { } document && EmptyTimestamps.IsFlagRefused(e))
        {
            throw EmptyTimestamps.TargetCannotKeep(collection, document, e);
        }

        var inserted = reply.TryGetValue("n", out var n) && n.TryGetInt64(out var count) ? count : 0;
        var duplicates = new List<RawDocument>();
        if (reply.TryGetValue("writeErrors", out var errors))
        {
            foreach (var error in errors.AsDocument)
            {
                var e = error.Value.AsDocument;
                var code = e.TryGetValue("code", out var c) && c.TryGetInt64(out var v) ? v : 0;
                var index = e.TryGetValue("index", out var i) && i.TryGetInt64(out var at) ? at : -1;
                if (code == DuplicateKey && IsIdConflict(e) && index >= 0 && index < end - start)
                {
                    duplicates.Add(documents[start + (int)index]);
                    continue;
                }

                var message = e.TryGetValue("errmsg", out var m) && m.Type == BsonTypeCode.String ? m.AsString : "write error";
                throw new DocumentWriteException(collection, code, message, index >= 0 && index < end - start ? documents[start + (int)index] : null);
            }
        }

        if (reply.TryGetValue("writeConcernError", out var concern))
        {
            throw new DocumentWriteException(collection, 64, "write concern error: " + BsonDebugText.Format(concern), null);
        }

        if (duplicates.Count == 0)
        {
            return new InsertResult(inserted, 0);
        }

        if (!reconcile)
        {
            // A document put back after a delete met its _id again: someone else wrote it meanwhile.
            return new InsertResult(inserted, duplicates.Count);
        }

        var (identical, differing) = await PresentDocuments.CompareAsync(target, collection, duplicates, cancellationToken).ConfigureAwait(false);
        if (differing.Count == 0)
        {
            return new InsertResult(inserted, identical);
        }

        await PresentDocuments.DeleteAsync(target, collection, differing, cancellationToken).ConfigureAwait(false);
        var again = await InsertBatchAsync(differing, 0, differing.Count, differing.Sum(d => (long)d.Length), reconcile: false, cancellationToken).ConfigureAwait(false);
        return new InsertResult(inserted, identical + again.AlreadyPresent, again.Inserted);
    }

    private static RawDocument? FirstWithEmptyTimestamp(IReadOnlyList<RawDocument> documents, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (EmptyTimestamps.WouldBeFilled(documents[i]))
            {
                return documents[i];
            }
        }

        return null;
    }

    /// <summary>Only an _id conflict means "already copied"; a clash on a unique secondary index is real data trouble.</summary>
    private static bool IsIdConflict(RawDocument error)
    {
        if (error.TryGetValue("keyPattern", out var pattern) && pattern.Type == BsonTypeCode.Document)
        {
            var keys = pattern.AsDocument;
            return keys.Count() == 1 && keys.Contains("_id");
        }

        return error.TryGetValue("errmsg", out var message) && message.Type == BsonTypeCode.String
            && message.AsString.Contains("index: _id_", StringComparison.Ordinal);
    }
}
