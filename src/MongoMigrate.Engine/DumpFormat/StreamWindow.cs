using System.Buffers;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// A pooled read-ahead buffer over a stream: callers ask for N contiguous bytes, look at them in place
/// and advance. The buffer only grows to the largest single request, so memory stays bounded by the
/// biggest document rather than by the size of the file.
/// </summary>
internal sealed class StreamWindow : IDisposable
{
    private readonly Stream _stream;
    private readonly string _sourceName;
    private readonly int _maxRequest;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfStream;

    public StreamWindow(Stream stream, string sourceName, int initialCapacity, int maxRequest)
    {
        _stream = stream;
        _sourceName = sourceName;
        _maxRequest = maxRequest;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
    }

    /// <summary>Offset in the stream of the first unconsumed byte.</summary>
    public long Position { get; private set; }

    /// <summary>Bytes buffered and not yet consumed.</summary>
    public int Available => _end - _start;

    /// <summary>True once the stream has ended and every byte has been consumed.</summary>
    public bool IsAtEnd => _endOfStream && _start == _end;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _end - _start);

    /// <summary>The next <paramref name="count"/> bytes, valid until the next fill.</summary>
    public ReadOnlyMemory<byte> Peek(int count) => _buffer.AsMemory(_start, count);

    public void Advance(int count)
    {
        _start += count;
        Position += count;
    }

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes available unless the stream ends first;
    /// returns how many are available (less than asked only at the end of the stream).
    /// </summary>
    public ValueTask<int> FillAsync(int count, CancellationToken cancellationToken)
    {
        var available = _end - _start;
        return available >= count || _endOfStream
            ? new ValueTask<int>(Math.Min(available, count))
            : FillSlowAsync(count, cancellationToken);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<int> FillSlowAsync(int count, CancellationToken cancellationToken)
    {
        if (count > _maxRequest)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"At most {_maxRequest} bytes can be buffered at once.");
        }

        MakeRoom(count);
        while (_end - _start < count && !_endOfStream)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                // GZipStream reports corrupt compressed data this way; the offset is where decompression stopped.
                throw new DumpFormatException(_sourceName, Position + Available, $"compressed data is corrupt near decompressed offset {Position + Available}: {e.Message}", e);
            }

            if (read == 0)
            {
                _endOfStream = true;
            }
            else
            {
                _end += read;
            }
        }

        return Math.Min(_end - _start, count);
    }

    private void MakeRoom(int count)
    {
        var available = _end - _start;
        if (count > _buffer.Length)
        {
            var size = (int)Math.Min(Math.Max((long)_buffer.Length * 2, count), Math.Max(_maxRequest, count));
            var bigger = ArrayPool<byte>.Shared.Rent(size);
            _buffer.AsSpan(_start, available).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
            _start = 0;
            _end = available;
            return;
        }

        // Compact when the request does not fit after _start, or when so little free space is left at
        // the end that reads would come back in small pieces.
        if (_buffer.Length - _start < count || (_start > 0 && _buffer.Length - _end < _buffer.Length / 4))
        {
            _buffer.AsSpan(_start, available).CopyTo(_buffer);
            _start = 0;
            _end = available;
        }
    }
}
