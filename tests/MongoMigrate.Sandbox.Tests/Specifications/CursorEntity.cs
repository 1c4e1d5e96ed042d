using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// A saved cursor (createFindCursor, createCommandCursor): iterated one document at a time without
/// skipping the first batch, as the format's cursor operations require.
/// </summary>
public sealed class CursorEntity(IAsyncCursor<BsonDocument> cursor) : IDisposable
{
    private readonly Queue<BsonDocument> _buffered = new();
    private bool _exhausted;

    /// <summary>iterateUntilDocumentOrError: fetches batches until one document is available.</summary>
    public async Task<BsonDocument?> NextAsync(CancellationToken cancellationToken)
    {
        while (_buffered.Count == 0 && !_exhausted)
        {
            await FetchAsync(cancellationToken);
        }

        return _buffered.TryDequeue(out var next) ? next : null;
    }

    /// <summary>iterateOnce: one step; when the current batch is empty, at most one getMore.</summary>
    public async Task<BsonDocument?> TryNextAsync(CancellationToken cancellationToken)
    {
        if (_buffered.Count == 0 && !_exhausted)
        {
            await FetchAsync(cancellationToken);
        }

        return _buffered.TryDequeue(out var next) ? next : null;
    }

    public void Dispose() => cursor.Dispose();

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        if (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var document in cursor.Current)
            {
                _buffered.Enqueue(document);
            }
        }
        else
        {
            _exhausted = true;
        }
    }
}
