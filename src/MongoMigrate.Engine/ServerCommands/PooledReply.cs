using System.Buffers;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// A command reply copied into a buffer rented from the shared array pool. Bulk reads hand batches of
/// megabytes from the source to the target; renting their buffers instead of allocating fresh ones spares
/// the large-object heap, the zeroing and the page faults of new memory for every batch. Disposing gives
/// the buffer back: every document read from the reply is invalid from then on.
/// </summary>
public sealed class PooledReply : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    internal PooledReply(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public RawDocument Document => new(_buffer is { } buffer ? buffer.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(PooledReply)));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
