using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using MongoDB.Bson;

namespace MongoMigrate.Bson;

/// <summary>
/// Writes BSON bytes directly: documents and arrays are opened and closed, lengths are patched in place,
/// and raw values are copied without being decoded. The result is exactly the bytes that were described.
/// </summary>
public sealed class BsonBuilder : IDisposable
{
    private static readonly string[] IndexNames = Enumerable.Range(0, 1024).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private byte[] _buffer;
    private int _length;
    private readonly Stack<int> _open = new();
    private readonly ArrayPool<byte>? _pool;
    private bool _returned;

    public BsonBuilder(int initialCapacity = 256)
    {
        _buffer = new byte[Math.Max(initialCapacity, 16)];
    }

    /// <summary>
    /// A builder whose buffer is rented from <paramref name="pool"/> (and rented again, larger, when it grows),
    /// for commands of megabytes built over and over: fresh arrays of that size would be large-object heap
    /// allocations that only a full collection frees. Dispose gives the buffer back; the written bytes are
    /// invalid from then on.
    /// </summary>
    public BsonBuilder(int initialCapacity, ArrayPool<byte> pool)
    {
        _pool = pool;
        _buffer = pool.Rent(Math.Max(initialCapacity, 16));
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>Depth of documents currently open.</summary>
    public int Depth => _open.Count;

    /// <summary>The name of array element <paramref name="index"/>.</summary>
    public static string Index(int index) => (uint)index < IndexNames.Length ? IndexNames[index] : index.ToString(CultureInfo.InvariantCulture);

    public BsonBuilder StartDocument()
    {
        _open.Push(_length);
        WriteInt32Raw(0);
        return this;
    }

    public BsonBuilder StartDocument(string name)
    {
        WriteTypeAndName(BsonTypeCode.Document, name);
        return StartDocument();
    }

    public BsonBuilder StartArray(string name)
    {
        WriteTypeAndName(BsonTypeCode.Array, name);
        return StartDocument();
    }

    /// <summary>Closes the innermost open document or array.</summary>
    public BsonBuilder End()
    {
        if (_open.Count == 0)
        {
            throw new InvalidOperationException("No document is open.");
        }

        WriteByte(0);
        var start = _open.Pop();
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(start), _length - start);
        return this;
    }

    public BsonBuilder Double(string name, double value)
    {
        WriteTypeAndName(BsonTypeCode.Double, name);
        BinaryPrimitives.WriteDoubleLittleEndian(Grow(8), value);
        _length += 8;
        return this;
    }

    public BsonBuilder Int32(string name, int value)
    {
        WriteTypeAndName(BsonTypeCode.Int32, name);
        WriteInt32Raw(value);
        return this;
    }

    public BsonBuilder Int64(string name, long value)
    {
        WriteTypeAndName(BsonTypeCode.Int64, name);
        WriteInt64Raw(value);
        return this;
    }

    /// <summary>A count as the server's appendNumber writes it: int32 when it fits, int64 beyond.</summary>
    public BsonBuilder Number(string name, long value) => value is >= int.MinValue and <= int.MaxValue ? Int32(name, (int)value) : Int64(name, value);

    public BsonBuilder Decimal128(string name, Decimal128 value)
    {
        WriteTypeAndName(BsonTypeCode.Decimal128, name);
        WriteInt64Raw((long)value.GetIEEELowBits());
        WriteInt64Raw((long)value.GetIEEEHighBits());
        return this;
    }

    public BsonBuilder Boolean(string name, bool value)
    {
        WriteTypeAndName(BsonTypeCode.Boolean, name);
        WriteByte(value ? (byte)1 : (byte)0);
        return this;
    }

    public BsonBuilder String(string name, string value)
    {
        WriteTypeAndName(BsonTypeCode.String, name);
        WriteStringRaw(value);
        return this;
    }

    /// <summary>The deprecated symbol type, still found in old data.</summary>
    public BsonBuilder Symbol(string name, string value)
    {
        WriteTypeAndName(BsonTypeCode.Symbol, name);
        WriteStringRaw(value);
        return this;
    }

    public BsonBuilder JavaScript(string name, string code)
    {
        WriteTypeAndName(BsonTypeCode.JavaScript, name);
        WriteStringRaw(code);
        return this;
    }

    public BsonBuilder Null(string name)
    {
        WriteTypeAndName(BsonTypeCode.Null, name);
        return this;
    }

    public BsonBuilder MinKey(string name)
    {
        WriteTypeAndName(BsonTypeCode.MinKey, name);
        return this;
    }

    public BsonBuilder MaxKey(string name)
    {
        WriteTypeAndName(BsonTypeCode.MaxKey, name);
        return this;
    }

    public BsonBuilder ObjectId(string name, ObjectId value)
    {
        WriteTypeAndName(BsonTypeCode.ObjectId, name);
        value.ToByteArray(EnsureBuffer(12), _length);
        _length += 12;
        return this;
    }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public BsonBuilder DateTime(string name, long millisecondsSinceEpoch)
    {
        WriteTypeAndName(BsonTypeCode.DateTime, name);
        WriteInt64Raw(millisecondsSinceEpoch);
        return this;
    }

    /// <summary>A timestamp as (seconds &lt;&lt; 32 | increment).</summary>
    public BsonBuilder Timestamp(string name, ulong value)
    {
        WriteTypeAndName(BsonTypeCode.Timestamp, name);
        WriteInt64Raw((long)value);
        return this;
    }

    public BsonBuilder Binary(string name, byte subType, ReadOnlySpan<byte> data)
    {
        WriteTypeAndName(BsonTypeCode.Binary, name);
        WriteInt32Raw(data.Length);
        WriteByte(subType);
        WriteBytes(data);
        return this;
    }

    public BsonBuilder Regex(string name, string pattern, string options)
    {
        WriteTypeAndName(BsonTypeCode.RegularExpression, name);
        WriteCString(pattern);
        WriteCString(options);
        return this;
    }

    /// <summary>Copies a raw value exactly.</summary>
    public BsonBuilder Value(string name, RawBsonValue value)
    {
        WriteTypeAndName(value.Type, name);
        WriteBytes(value.Span);
        return this;
    }

    /// <summary>Copies a raw value exactly under a UTF-8 name.</summary>
    public BsonBuilder Value(ReadOnlySpan<byte> utf8Name, RawBsonValue value)
    {
        WriteByte((byte)value.Type);
        WriteBytes(utf8Name);
        WriteByte(0);
        WriteBytes(value.Span);
        return this;
    }

    /// <summary>Copies a raw element (name and value) exactly.</summary>
    public BsonBuilder Element(RawBsonElement element) => Value(element.Utf8Name.Span, element.Value);

    /// <summary>Writes a whole embedded document from its bytes.</summary>
    public BsonBuilder Document(string name, RawDocument document) => Value(name, document.AsValue());

    /// <summary>Appends the bytes of a complete document as a top-level document (for document sequences).</summary>
    public BsonBuilder RawBytes(ReadOnlySpan<byte> bytes)
    {
        WriteBytes(bytes);
        return this;
    }

    /// <summary>A copy of everything written; all documents must be closed.</summary>
    public byte[] ToArray()
    {
        EnsureClosed();
        return _buffer.AsSpan(0, _length).ToArray();
    }

    /// <summary>The written bytes without copying; valid until the builder is written to again.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>The finished top-level document, copied.</summary>
    public RawDocument ToDocument() => new(ToArray());

    /// <summary>Overwrites four bytes already written, e.g. a message length known only at the end.</summary>
    public void PatchInt32(int offset, int value)
    {
        if (offset < 0 || offset + 4 > _length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(offset), value);
    }

    /// <summary>Overwrites bytes already written, e.g. a message header completed at the end.</summary>
    public void Patch(int offset, ReadOnlySpan<byte> bytes)
    {
        if (offset < 0 || offset + bytes.Length > _length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        bytes.CopyTo(_buffer.AsSpan(offset));
    }

    /// <summary>Discards everything written after <paramref name="length"/> bytes, closing any documents opened since.</summary>
    public void Truncate(int length)
    {
        if (length < 0 || length > _length)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        _length = length;
        while (_open.Count > 0 && _open.Peek() >= length)
        {
            _open.Pop();
        }
    }

    public void Clear()
    {
        _length = 0;
        _open.Clear();
    }

    /// <summary>Writes the written bytes to a buffer writer.</summary>
    public void CopyTo(IBufferWriter<byte> writer)
    {
        EnsureClosed();
        writer.Write(WrittenSpan);
    }

    private void EnsureClosed()
    {
        if (_open.Count != 0)
        {
            throw new InvalidOperationException($"{_open.Count} document(s) are still open.");
        }
    }

    private void WriteTypeAndName(BsonTypeCode type, string name)
    {
        WriteByte((byte)type);
        WriteCString(name);
    }

    private void WriteCString(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length) + 1;
        var span = Grow(max);
        var written = Encoding.UTF8.GetBytes(value, span);
        if (span[..written].Contains((byte)0))
        {
            throw new ArgumentException($"A BSON name or regex cannot contain a NUL character: '{value}'.", nameof(value));
        }

        span[written] = 0;
        _length += written + 1;
    }

    private void WriteStringRaw(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length) + 5;
        var span = Grow(max);
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, written + 1);
        span[4 + written] = 0;
        _length += written + 5;
    }

    private void WriteInt32Raw(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Grow(4), value);
        _length += 4;
    }

    private void WriteInt64Raw(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Grow(8), value);
        _length += 8;
    }

    private void WriteByte(byte value)
    {
        Grow(1)[0] = value;
        _length++;
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Grow(bytes.Length));
        _length += bytes.Length;
    }

    private Span<byte> Grow(int count) => EnsureBuffer(count).AsSpan(_length);

    private byte[] EnsureBuffer(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var size = Math.Max(_buffer.Length * 2, _length + count);
            if (_pool is null)
            {
                Array.Resize(ref _buffer, size);
            }
            else
            {
                ObjectDisposedException.ThrowIf(_returned, this);
                var bigger = _pool.Rent(size);
                _buffer.AsSpan(0, _length).CopyTo(bigger);
                _pool.Return(_buffer);
                _buffer = bigger;
            }
        }

        return _buffer;
    }

    /// <summary>Returns a pooled buffer to its pool (nothing to do for a builder that owns its array).</summary>
    public void Dispose()
    {
        if (_pool is null || _returned)
        {
            return;
        }

        _returned = true;
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        _open.Clear();
        _pool.Return(buffer);
    }
}
