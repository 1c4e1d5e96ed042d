using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>A value in a <see cref="DocumentNode"/>: raw bytes, or an expanded (possibly changed) node.</summary>
public readonly struct NodeValue
{
    public NodeValue(RawBsonValue raw)
    {
        Raw = raw;
        Node = null;
    }

    public NodeValue(DocumentNode node)
    {
        Raw = default;
        Node = node;
    }

    public RawBsonValue Raw { get; }

    public DocumentNode? Node { get; }

    public BsonTypeCode Type => Node is null ? Raw.Type : Node.IsArray ? BsonTypeCode.Array : BsonTypeCode.Document;

    /// <summary>The value as raw bytes (serializing an expanded node).</summary>
    public RawBsonValue ToRaw() => Node?.ToValue() ?? Raw;

    internal void WriteTo(BsonBuilder builder, string name)
    {
        if (Node is not null)
        {
            Node.WriteTo(builder, name);
        }
        else
        {
            builder.Value(name, Raw);
        }
    }

    public static implicit operator NodeValue(RawBsonValue raw) => new(raw);
}
