using System.Buffers.Binary;
using System.Text;

namespace MongoMigrate.Bson;

/// <summary>
/// A BSON document (or array) kept as bytes. Enumerating it yields elements that point into the same
/// memory; nothing is decoded until asked for, so a document copied through it is copied exactly.
/// </summary>
public readonly struct RawDocument : IEquatable<RawDocument>
{
    /// <summary>Wraps bytes that start with a document; the memory may extend past the document.</summary>
    public RawDocument(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length < 5)
        {
            throw new BsonFormatException("document shorter than 5 bytes", 0);
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.Span);
        if (length < 5 || length > bytes.Length)
        {
            throw new BsonFormatException($"document length {length} does not fit in {bytes.Length} bytes", 0);
        }

        Bytes = bytes[..length];
    }

    public static RawDocument Empty { get; } = new(new byte[] { 5, 0, 0, 0, 0 });

    /// <summary>The document's bytes, exactly its declared length.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public ReadOnlySpan<byte> Span => Bytes.Span;

    public int Length => Bytes.Length;

    public bool IsEmpty => Bytes.Length <= 5;

    public RawBsonValue AsValue(bool isArray = false) => new(isArray ? BsonTypeCode.Array : BsonTypeCode.Document, Bytes);

    public Enumerator GetEnumerator() => new(Bytes);

    /// <summary>Finds a top-level element by name.</summary>
    public bool TryGetValue(string name, out RawBsonValue value)
    {
        foreach (var element in this)
        {
            if (element.NameEquals(name))
            {
                value = element.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Finds a top-level element by its UTF-8 name.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> utf8Name, out RawBsonValue value)
    {
        foreach (var element in this)
        {
            if (element.NameEquals(utf8Name))
            {
                value = element.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    public RawBsonValue this[string name] =>
        TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"The document has no field '{name}'.");

    public bool Contains(string name) => TryGetValue(name, out _);

    /// <summary>The first element, which for a stored document is its _id.</summary>
    public bool TryGetFirst(out RawBsonElement element)
    {
        foreach (var e in this)
        {
            element = e;
            return true;
        }

        element = default;
        return false;
    }

    public int Count()
    {
        var n = 0;
        foreach (var _ in this)
        {
            n++;
        }

        return n;
    }

    /// <summary>The values of an array (or a document) in order.</summary>
    public List<RawBsonValue> Values()
    {
        var list = new List<RawBsonValue>();
        foreach (var element in this)
        {
            list.Add(element.Value);
        }

        return list;
    }

    public bool Equals(RawDocument other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is RawDocument other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    public static bool operator ==(RawDocument left, RawDocument right) => left.Equals(right);

    public static bool operator !=(RawDocument left, RawDocument right) => !left.Equals(right);

    public override string ToString() => BsonDebugText.Format(AsValue());

    /// <summary>Walks the elements of a document; throws <see cref="BsonFormatException"/> on broken framing.</summary>
    public struct Enumerator
    {
        private readonly ReadOnlyMemory<byte> _bytes;
        private int _position;

        internal Enumerator(ReadOnlyMemory<byte> bytes)
        {
            _bytes = bytes;
            _position = 4;
            Current = default;
        }

        public RawBsonElement Current { get; private set; }

        public bool MoveNext()
        {
            var span = _bytes.Span;
            if (_position >= span.Length - 1)
            {
                return false;
            }

            var type = span[_position];
            if (type == 0)
            {
                return false;
            }

            var nameStart = _position + 1;
            var nameLength = span[nameStart..].IndexOf((byte)0);
            if (nameLength < 0)
            {
                throw new BsonFormatException("element name is not terminated", nameStart);
            }

            var valueStart = nameStart + nameLength + 1;
            var valueLength = BsonValueSize.Measure((BsonTypeCode)type, span[valueStart..^1]);
            if (valueLength < 0)
            {
                var name = Encoding.UTF8.GetString(span.Slice(nameStart, nameLength));
                throw new BsonFormatException(
                    BsonValueSize.IsKnownType(type)
                        ? $"value of field '{name}' (type 0x{type:X2}) does not fit in its document"
                        : $"unknown BSON type 0x{type:X2} for field '{name}'",
                    valueStart);
            }

            Current = new RawBsonElement(
                _bytes.Slice(nameStart, nameLength),
                new RawBsonValue((BsonTypeCode)type, _bytes.Slice(valueStart, valueLength)));
            _position = valueStart + valueLength;
            return true;
        }
    }
}
