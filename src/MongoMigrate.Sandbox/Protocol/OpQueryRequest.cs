using System.Buffers.Binary;
using System.Text;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Protocol;

/// <summary>A legacy OP_QUERY; the driver still uses it for the first hello on a connection.</summary>
internal sealed class OpQueryRequest
{
    private OpQueryRequest(string fullCollectionName, RawDocument query)
    {
        FullCollectionName = fullCollectionName;
        Query = query;
    }

    public string FullCollectionName { get; }

    public RawDocument Query { get; }

    public static OpQueryRequest Parse(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        if (span.Length < 4 + 1 + 8 + 5)
        {
            throw new ProtocolException("OP_QUERY is truncated");
        }

        var nameLength = span[4..].IndexOf((byte)0);
        if (nameLength < 0)
        {
            throw new ProtocolException("OP_QUERY collection name is not terminated");
        }

        var name = Encoding.UTF8.GetString(span.Slice(4, nameLength));
        var queryStart = 4 + nameLength + 1 + 8;
        if (span.Length - queryStart < 5)
        {
            throw new ProtocolException("OP_QUERY has no query document");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[queryStart..]);
        if (length < 5 || length > span.Length - queryStart)
        {
            throw new ProtocolException($"OP_QUERY query document declares {length} bytes");
        }

        if (!NestingDepth.IsWithin(span.Slice(queryStart, length)))
        {
            throw NestingDepth.TooDeep();
        }

        var error = BsonDocumentValidator.Validate(span.Slice(queryStart, length), baseOffset: queryStart);
        if (error is not null)
        {
            throw new ProtocolException("invalid BSON in OP_QUERY: " + error.Message);
        }

        return new OpQueryRequest(name, new RawDocument(message.Slice(queryStart, length)));
    }
}
