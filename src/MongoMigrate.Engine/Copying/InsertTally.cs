namespace MongoMigrate.Engine.Copying;

/// <summary>What the inserts of one stage added up to, counted by its writers at once.</summary>
public sealed class InsertTally
{
    private long _documents;
    private long _bytes;
    private long _inserted;
    private long _alreadyPresent;
    private long _replaced;

    /// <summary>Documents of the batches that went in, whatever each insert did with them.</summary>
    public long Documents => Interlocked.Read(ref _documents);

    /// <summary>Bytes of the batches that went in.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public InsertResult Total => new(Interlocked.Read(ref _inserted), Interlocked.Read(ref _alreadyPresent), Interlocked.Read(ref _replaced));

    public void Add(long documents, long bytes, InsertResult result)
    {
        Interlocked.Add(ref _documents, documents);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _inserted, result.Inserted);
        Interlocked.Add(ref _alreadyPresent, result.AlreadyPresent);
        Interlocked.Add(ref _replaced, result.Replaced);
    }
}
