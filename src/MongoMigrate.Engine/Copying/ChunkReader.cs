using MongoMigrate.Bson;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// Reads one chunk of a source collection as raw batches: a find with the chunk's _id filter, then getMores.
/// Each batch holds a pooled reply buffer: dispose it once its documents are written.
/// </summary>
public sealed class ChunkReader(RawCommandRunner source, string collection, RawDocument filter, bool naturalOrder)
{
    /// <summary>
    /// Documents per batch asked of the server; bytes per batch are bounded by the server's 16 MiB. One batch
    /// is one insert on the other side, and the batches held between reader and writers are most of a copy's
    /// memory: 1000 documents of 1 KB read at the same speed as 2000 (one more getMore per megabyte) and halve it.
    /// </summary>
    public int BatchSize { get; init; } = BatchInserter.MaxDocumentsPerBatch;

    /// <summary>
    /// Scan the _id index even without a filter, so documents come in _id order and a read that breaks off can
    /// carry on after the last _id it delivered (a dump resumes a chunk that way).
    /// </summary>
    public bool HintId { get; init; }

    public async IAsyncEnumerable<RawBatch> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Capped collections: keep insertion order, which decides what a capped target evicts.
        var find = new FindCommand(collection)
        {
            Filter = filter,
            SortAscending = naturalOrder ? "$natural" : null,
            HintId = !naturalOrder && (!filter.IsEmpty || HintId),
            BatchSize = BatchSize,
            NoCursorTimeout = false,
        };
        var cursor = await RawCursor.OpenPooledAsync(source, find.Build(), BatchSize, cancellationToken).ConfigureAwait(false);
        try
        {
            while (await cursor.NextRawBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
            {
                if (batch.Count > 0)
                {
                    yield return batch;
                }
                else
                {
                    batch.Dispose();
                }
            }
        }
        finally
        {
            await cursor.CloseAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
