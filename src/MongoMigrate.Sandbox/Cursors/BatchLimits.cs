namespace MongoMigrate.Sandbox.Cursors;

/// <summary>How much one batch may hold: a document count (0 = no count limit) and the 16 MiB reply budget.</summary>
internal readonly record struct BatchLimits(int MaxDocuments, int MaxBytes, TimeSpan MaxAwait)
{
    /// <summary>Batches stop before this many bytes of documents, so a reply stays under the 48 MB message limit.</summary>
    public const int DefaultMaxBytes = 16 * 1024 * 1024;

    /// <summary>The server's default first batch: 101 documents.</summary>
    public static BatchLimits FirstBatch(int? batchSize) => new(batchSize ?? 101, DefaultMaxBytes, TimeSpan.Zero);

    /// <summary>getMore without batchSize fills up to the byte budget.</summary>
    public static BatchLimits GetMore(int? batchSize, TimeSpan? maxAwait) => new(batchSize ?? 0, DefaultMaxBytes, maxAwait ?? TimeSpan.FromSeconds(1));

    /// <summary>True once a batch of <paramref name="count"/> documents and <paramref name="bytes"/> bytes cannot take <paramref name="next"/> more bytes.</summary>
    public bool IsFull(int count, long bytes, int next) =>
        (MaxDocuments > 0 && count >= MaxDocuments) || (count > 0 && bytes + next > MaxBytes);
}
