using System.Text;

namespace MongoMigrate.Bson;

/// <summary>One element of a raw document: its name as UTF-8 bytes and its raw value.</summary>
public readonly struct RawBsonElement
{
    public RawBsonElement(ReadOnlyMemory<byte> utf8Name, RawBsonValue value)
    {
        Utf8Name = utf8Name;
        Value = value;
    }

    /// <summary>The element name's UTF-8 bytes, without the terminating NUL.</summary>
    public ReadOnlyMemory<byte> Utf8Name { get; }

    public string Name => Encoding.UTF8.GetString(Utf8Name.Span);

    public RawBsonValue Value { get; }

    public BsonTypeCode Type => Value.Type;

    public bool NameEquals(string name) => Utf8Comparison.EqualsString(Utf8Name.Span, name);

    public bool NameEquals(ReadOnlySpan<byte> utf8Name) => Utf8Name.Span.SequenceEqual(utf8Name);

    public override string ToString() => $"{Name}: {Value}";
}
