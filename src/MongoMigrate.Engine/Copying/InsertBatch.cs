using MongoMigrate.Bson;
using MongoMigrate.Engine.DumpFormat;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.Copying;

/// <summary>
/// Documents inserted together, and the pooled buffer their bytes live in: a source reply (direct copy) or a batch read
/// from a dump file. Disposing it gives the buffer back, once the documents are on the target or the insert failed.
/// </summary>
public sealed class InsertBatch : IDisposable
{
    private readonly IDisposable? _owner;

    public InsertBatch(IReadOnlyList<RawDocument> documents, long bytes, IDisposable? owner = null)
    {
        Documents = documents;
        Bytes = bytes;
        _owner = owner;
    }

    public IReadOnlyList<RawDocument> Documents { get; }

    public int Count => Documents.Count;

    /// <summary>The documents' total size.</summary>
    public long Bytes { get; }

    /// <summary>A source reply's documents, sent on as they are.</summary>
    public static InsertBatch Of(RawBatch batch) => new(batch, batch.Bytes, batch);

    /// <summary>A dump's documents, pointing into the batch's buffer (no copy).</summary>
    public static InsertBatch Of(DocumentBatch batch)
    {
        var documents = new List<RawDocument>(batch.Count);
        foreach (var document in batch)
        {
            documents.Add(new RawDocument(document));
        }

        return new InsertBatch(documents, batch.Length, batch);
    }

    public void Dispose() => _owner?.Dispose();
}
