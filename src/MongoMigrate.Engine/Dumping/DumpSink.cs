using MongoMigrate.Bson;

namespace MongoMigrate.Engine.Dumping;

/// <summary>
/// One collection's destination in a dump (a .bson file or an archive namespace). Chunk readers append whole
/// cursor batches, one batch at a time, so batches of different chunks interleave but a batch is never split.
/// </summary>
internal abstract class DumpSink(string name) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private bool _completed;
    private bool _broken;

    /// <summary>The file or archive namespace, for messages and results.</summary>
    public string Name { get; } = name;

    public long Documents { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>CRC-64 of the documents appended so far, in the order written.</summary>
    public abstract ulong Crc { get; }

    /// <summary>
    /// Starts an attempt at a chunk and gives the filter it reads with, under the lock: an older attempt (declared
    /// stuck, still running) then either wrote its batch and moved the resume point before, or writes nothing more.
    /// </summary>
    public async Task<(int Attempt, RawDocument Filter)> BeginAsync(DumpChunk chunk, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (chunk.BeginAttempt(), chunk.Filter());
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Appends a batch read by an attempt at a chunk and moves the chunk's resume point past it; the wait for the
    /// lock is cancellable, the write itself is not. An attempt that is no longer the chunk's latest writes nothing.
    /// </summary>
    public async Task AppendAsync(DumpChunk chunk, int attempt, IReadOnlyList<RawDocument> batch, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_broken)
            {
                throw new DumpOutputException($"Writing {Name} failed earlier; the output is incomplete.");
            }

            if (!chunk.IsCurrent(attempt))
            {
                throw new OperationCanceledException($"A newer attempt at {chunk} of {Name} writes from here on.");
            }

            // Not cancellable: a batch goes out whole, so a retry that resumes after its last _id neither loses
            // nor repeats a document.
            long bytes = 0;
            foreach (var document in batch)
            {
                await WriteAsync(document.Bytes).ConfigureAwait(false);
                bytes += document.Length;
            }

            Documents += batch.Count;
            Bytes += bytes;
            chunk.Advance(batch);
        }
        catch (Exception e) when (e is not (DumpOutputException or OperationCanceledException))
        {
            _broken = true;
            throw new DumpOutputException($"Writing {Name} failed: {e.Message}", e);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Finishes the output of a collection whose chunks are all written.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CompleteCoreAsync(cancellationToken).ConfigureAwait(false);
            _completed = true;
        }
        catch (Exception e) when (e is not (OperationCanceledException or DumpOutputException))
        {
            throw new DumpOutputException($"Finishing {Name} failed: {e.Message}", e);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Without <see cref="CompleteAsync"/>, leaves nothing that looks complete.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            await AbortAsync().ConfigureAwait(false);
        }

        _lock.Dispose();
    }

    protected abstract ValueTask WriteAsync(ReadOnlyMemory<byte> document);

    protected abstract Task CompleteCoreAsync(CancellationToken cancellationToken);

    protected abstract ValueTask AbortAsync();
}
