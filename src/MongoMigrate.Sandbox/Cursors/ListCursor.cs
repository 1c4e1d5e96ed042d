using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Cursors;

/// <summary>A cursor over results already computed (sorted finds, aggregations, listCollections, listIndexes).</summary>
internal sealed class ListCursor(Namespace ns, IReadOnlyList<RawDocument> results) : ServerCursor(ns)
{
    private int _position;

    public override ValueTask<CursorBatch> NextBatchAsync(BatchLimits limits, CancellationToken cancellationToken)
    {
        var batch = new List<RawDocument>();
        long bytes = 0;
        while (_position < results.Count && !limits.IsFull(batch.Count, bytes, results[_position].Length))
        {
            var document = results[_position++];
            batch.Add(document);
            bytes += document.Length;
        }

        return ValueTask.FromResult(new CursorBatch(batch, _position >= results.Count));
    }
}
