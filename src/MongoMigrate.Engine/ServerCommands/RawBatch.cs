using System.Collections;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// One batch of a raw cursor: documents pointing into one reply's bytes. When the reply is pooled,
/// disposing the batch returns its buffer and the documents must not be used any more; a batch that is
/// never disposed is simply collected.
/// </summary>
public sealed class RawBatch : IReadOnlyList<RawDocument>, IDisposable
{
    private readonly List<RawDocument> _documents;
    private readonly PooledReply? _reply;

    internal RawBatch(List<RawDocument> documents, PooledReply? reply)
    {
        _documents = documents;
        _reply = reply;
        foreach (var document in documents)
        {
            Bytes += document.Length;
        }
    }

    public int Count => _documents.Count;

    /// <summary>The documents' total size.</summary>
    public long Bytes { get; }

    public RawDocument this[int index] => _documents[index];

    public List<RawDocument>.Enumerator GetEnumerator() => _documents.GetEnumerator();

    IEnumerator<RawDocument> IEnumerable<RawDocument>.GetEnumerator() => _documents.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _documents.GetEnumerator();

    public void Dispose() => _reply?.Dispose();
}
