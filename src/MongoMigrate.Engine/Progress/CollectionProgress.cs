namespace MongoMigrate.Engine.Progress;

/// <summary>Live counters of one collection of a job, updated by workers without locks and read by displays.</summary>
public sealed class CollectionProgress(string source, string target, long estimatedDocuments, long estimatedBytes)
{
    private long _documents;
    private long _bytes;
    private int _chunksTotal;
    private int _chunksDumped;
    private int _chunksRestored;
    private int _chunksFailed;
    private int _status;

    public string Source { get; } = source;

    public string Target { get; } = target;

    public long EstimatedDocuments { get; } = estimatedDocuments;

    public long EstimatedBytes { get; } = estimatedBytes;

    public long Documents => Interlocked.Read(ref _documents);

    public long Bytes => Interlocked.Read(ref _bytes);

    public int ChunksTotal => Volatile.Read(ref _chunksTotal);

    public int ChunksDumped => Volatile.Read(ref _chunksDumped);

    public int ChunksRestored => Volatile.Read(ref _chunksRestored);

    public int ChunksFailed => Volatile.Read(ref _chunksFailed);

    public CollectionPhase Phase => (CollectionPhase)Volatile.Read(ref _status);

    /// <summary>The job's signal, told of every change (none for a collection outside a job).</summary>
    internal ProgressSignal? Signal { get; init; }

    public void SetChunks(int total, int dumped, int restored, long documents, long bytes)
    {
        Volatile.Write(ref _chunksTotal, total);
        Volatile.Write(ref _chunksDumped, dumped);
        Volatile.Write(ref _chunksRestored, restored);
        Interlocked.Exchange(ref _documents, documents);
        Interlocked.Exchange(ref _bytes, bytes);
        Signal?.Changed();
    }

    /// <summary>Documents and bytes now on the target.</summary>
    public void AddCopied(long documents, long bytes)
    {
        Interlocked.Add(ref _documents, documents);
        Interlocked.Add(ref _bytes, bytes);
        Signal?.Changed();
    }

    public void ChunkDumped()
    {
        Interlocked.Increment(ref _chunksDumped);
        Signal?.Changed();
    }

    public void ChunkRestored()
    {
        Interlocked.Increment(ref _chunksRestored);
        Signal?.Changed();
    }

    public void ChunkFailed()
    {
        Interlocked.Increment(ref _chunksFailed);
        Signal?.Changed();
    }

    public void SetPhase(CollectionPhase phase)
    {
        Volatile.Write(ref _status, (int)phase);
        Signal?.Changed();
    }
}
