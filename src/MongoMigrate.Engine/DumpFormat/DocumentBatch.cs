using System.Buffers;
using System.Buffers.Binary;

namespace MongoMigrate.Engine.DumpFormat;

/// <summary>
/// Documents of one namespace laid end to end in a pooled buffer, as a demultiplexer hands them to a consumer.
/// The bytes are exactly the dumped documents, ready to be sent as one insert. Dispose returns the buffer.
/// </summary>
public sealed class DocumentBatch : IDisposable
{
    private byte[] _buffer;
    private int _length;

    internal DocumentBatch(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(capacity);
    }

    public int Count { get; private set; }

    /// <summary>All documents, concatenated.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer.AsMemory(0, _length);

    public int Length => _length;

    public Enumerator GetEnumerator() => new(Bytes);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        Count = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal bool HasRoomFor(int length) => _length + length <= _buffer.Length;

    internal void Add(ReadOnlySpan<byte> document)
    {
        if (_length + document.Length > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_length + document.Length);
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        document.CopyTo(_buffer.AsSpan(_length));
        _length += document.Length;
        Count++;
    }

    /// <summary>Walks the documents by their length prefixes.</summary>
    public struct Enumerator(ReadOnlyMemory<byte> bytes)
    {
        private int _position;

        public ReadOnlyMemory<byte> Current { get; private set; }

        public bool MoveNext()
        {
            if (_position >= bytes.Length)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.Span[_position..]);
            Current = bytes.Slice(_position, length);
            _position += length;
            return true;
        }
    }
}
