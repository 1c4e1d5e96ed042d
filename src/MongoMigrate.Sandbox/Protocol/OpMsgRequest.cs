using System.Buffers.Binary;
using System.Text;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Protocol;

/// <summary>A parsed OP_MSG: flag bits, the command body (kind 0) and any document sequences (kind 1).</summary>
internal sealed class OpMsgRequest
{
    public const uint ChecksumPresent = 1;
    public const uint MoreToCome = 2;
    public const uint ExhaustAllowed = 1 << 16;

    private OpMsgRequest(uint flags, RawDocument body, Dictionary<string, List<RawDocument>>? sequences)
    {
        Flags = flags;
        Body = body;
        Sequences = sequences;
    }

    public uint Flags { get; }

    public RawDocument Body { get; }

    /// <summary>Kind-1 sections by identifier (e.g. "documents", "updates", "deletes").</summary>
    public Dictionary<string, List<RawDocument>>? Sequences { get; }

    public bool IsMoreToCome => (Flags & MoreToCome) != 0;

    /// <summary>Parses and validates an OP_MSG body; every document must be well-formed BSON.</summary>
    public static OpMsgRequest Parse(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        if (span.Length < 5)
        {
            throw new ProtocolException("OP_MSG shorter than its flags and one section");
        }

        var flags = BinaryPrimitives.ReadUInt32LittleEndian(span);

        // Bits 0-15 are "required": a receiver must refuse ones it does not know.
        const uint knownRequired = ChecksumPresent | MoreToCome;
        if ((flags & 0xFFFF & ~knownRequired) != 0)
        {
            throw new ProtocolException($"OP_MSG has unknown required flag bits 0x{flags:X8}");
        }

        var end = (flags & ChecksumPresent) != 0 ? span.Length - 4 : span.Length;
        var position = 4;
        RawDocument? body = null;
        Dictionary<string, List<RawDocument>>? sequences = null;
        while (position < end)
        {
            var kind = span[position++];
            switch (kind)
            {
                case 0:
                    {
                        if (body is not null)
                        {
                            throw new ProtocolException("OP_MSG has more than one kind-0 section");
                        }

                        var length = DocumentLength(span, position, end);
                        Validate(message.Slice(position, length).Span, position);
                        body = new RawDocument(message.Slice(position, length));
                        position += length;
                        break;
                    }

                case 1:
                    {
                        if (end - position < 4)
                        {
                            throw new ProtocolException("OP_MSG document sequence is truncated");
                        }

                        var size = BinaryPrimitives.ReadInt32LittleEndian(span[position..]);
                        if (size < 5 || size > end - position)
                        {
                            throw new ProtocolException($"OP_MSG document sequence size {size} is out of range");
                        }

                        var sectionEnd = position + size;
                        var nameStart = position + 4;
                        var nameLength = span[nameStart..sectionEnd].IndexOf((byte)0);
                        if (nameLength < 0)
                        {
                            throw new ProtocolException("OP_MSG document sequence identifier is not terminated");
                        }

                        var identifier = Encoding.UTF8.GetString(span.Slice(nameStart, nameLength));
                        var documents = new List<RawDocument>();
                        var cursor = nameStart + nameLength + 1;
                        while (cursor < sectionEnd)
                        {
                            var length = DocumentLength(span, cursor, sectionEnd);
                            Validate(message.Slice(cursor, length).Span, cursor);
                            documents.Add(new RawDocument(message.Slice(cursor, length)));
                            cursor += length;
                        }

                        sequences ??= new Dictionary<string, List<RawDocument>>(StringComparer.Ordinal);
                        if (!sequences.TryAdd(identifier, documents))
                        {
                            throw new ProtocolException($"OP_MSG has two document sequences named '{identifier}'");
                        }

                        position = sectionEnd;
                        break;
                    }

                default:
                    throw new ProtocolException($"OP_MSG section kind {kind} is unknown");
            }
        }

        if (body is null)
        {
            throw new ProtocolException("OP_MSG has no command body (kind-0 section)");
        }

        return new OpMsgRequest(flags, body.Value, sequences);
    }

    private static int DocumentLength(ReadOnlySpan<byte> span, int position, int end)
    {
        if (end - position < 5)
        {
            throw new ProtocolException($"BSON document at offset {position} is truncated");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[position..]);
        if (length < 5 || length > end - position)
        {
            throw new ProtocolException($"BSON document at offset {position} declares {length} bytes but {end - position} remain");
        }

        return length;
    }

    /// <summary>The moreToCome bit of a message whose sections could not be parsed.</summary>
    public static bool IsMoreToComeIn(ReadOnlySpan<byte> message) =>
        message.Length >= 4 && (BinaryPrimitives.ReadUInt32LittleEndian(message) & MoreToCome) != 0;

    private static void Validate(ReadOnlySpan<byte> document, int offset)
    {
        if (!NestingDepth.IsWithin(document))
        {
            throw NestingDepth.TooDeep();
        }

        var error = BsonDocumentValidator.Validate(document, baseOffset: offset);
        if (error is not null)
        {
            throw new ProtocolException("invalid BSON: " + error.Message);
        }
    }
}
