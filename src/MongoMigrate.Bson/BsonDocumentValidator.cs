using System.Buffers.Binary;
using System.Text;

namespace MongoMigrate.Bson;

/// <summary>
/// Checks that bytes are one well-formed BSON document, all the way down, and says where they are not.
/// Used on everything that arrives from outside: dump files, archives, and documents sent to the sandbox.
/// </summary>
public static class BsonDocumentValidator
{
    /// <summary>
    /// Deeper nesting than this is refused rather than risk the stack. A server stores documents up to maxBSONDepth
    /// levels deep (200 by default, 1000 at most) and wraps them a few levels more in its oplog entries, so no document
    /// a server ever stored is refused, while 20,000 levels (a few hundred KB of bytes) fail in one line.
    /// </summary>
    public const int DefaultMaxDepth = 1024;

    /// <summary>Validates that <paramref name="bytes"/> holds exactly one document; returns null when valid, else the problem.</summary>
    public static BsonFormatException? Validate(ReadOnlySpan<byte> bytes, bool checkUtf8 = false, int maxDepth = DefaultMaxDepth, long baseOffset = 0)
    {
        if (bytes.Length < 5)
        {
            return new BsonFormatException($"a document needs at least 5 bytes, found {bytes.Length}", baseOffset);
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (length != bytes.Length)
        {
            return new BsonFormatException($"document declares {length} bytes but {bytes.Length} are present", baseOffset);
        }

        var state = new State(checkUtf8, maxDepth, baseOffset);
        return state.ValidateDocument(bytes, 0, 1);
    }

    /// <summary>Throws <see cref="BsonFormatException"/> when the bytes are not exactly one valid document.</summary>
    public static void EnsureValid(ReadOnlySpan<byte> bytes, bool checkUtf8 = false, int maxDepth = DefaultMaxDepth, long baseOffset = 0)
    {
        var error = Validate(bytes, checkUtf8, maxDepth, baseOffset);
        if (error is not null)
        {
            throw error;
        }
    }

    private readonly struct State(bool checkUtf8, int maxDepth, long baseOffset)
    {
        private static readonly UTF8Encoding StrictUtf8 = new(false, true);

        public BsonFormatException? ValidateDocument(ReadOnlySpan<byte> doc, int offset, int depth)
        {
            if (depth > maxDepth)
            {
                return Error($"documents nested deeper than {maxDepth} levels", offset);
            }

            if (doc.Length < 5)
            {
                return Error("embedded document shorter than 5 bytes", offset);
            }

            var declared = BinaryPrimitives.ReadInt32LittleEndian(doc);
            if (declared != doc.Length)
            {
                return Error($"embedded document declares {declared} bytes but has {doc.Length}", offset);
            }

            if (doc[^1] != 0)
            {
                return Error("document does not end with a 0x00 terminator", offset + doc.Length - 1);
            }

            var position = 4;
            var end = doc.Length - 1;
            while (position < end)
            {
                var type = doc[position];
                if (type == 0)
                {
                    return Error("document terminator found before the declared end", offset + position);
                }

                if (!BsonValueSize.IsKnownType(type))
                {
                    return Error($"unknown BSON type 0x{type:X2}", offset + position);
                }

                var nameStart = position + 1;
                var nameLength = doc[nameStart..end].IndexOf((byte)0);
                if (nameLength < 0)
                {
                    return Error("element name runs past the end of its document", offset + nameStart);
                }

                if (checkUtf8 && !IsUtf8(doc.Slice(nameStart, nameLength)))
                {
                    return Error("element name is not valid UTF-8", offset + nameStart);
                }

                var valueStart = nameStart + nameLength + 1;
                var available = doc[valueStart..end];
                var size = BsonValueSize.Measure((BsonTypeCode)type, available);
                if (size < 0)
                {
                    var name = Encoding.UTF8.GetString(doc.Slice(nameStart, nameLength));
                    return Error($"value of field '{name}' (type 0x{type:X2}) is truncated or has a bad length", offset + valueStart);
                }

                var problem = ValidateValue((BsonTypeCode)type, available[..size], offset + valueStart, depth);
                if (problem is not null)
                {
                    return problem;
                }

                position = valueStart + size;
            }

            return position == end ? null : Error("document terminator is misplaced", offset + position);
        }

        private BsonFormatException? ValidateValue(BsonTypeCode type, ReadOnlySpan<byte> value, int offset, int depth)
        {
            switch (type)
            {
                case BsonTypeCode.String:
                case BsonTypeCode.Symbol:
                case BsonTypeCode.JavaScript:
                    return ValidateString(value, offset);
                case BsonTypeCode.Document:
                case BsonTypeCode.Array:
                    return ValidateDocument(value, offset, depth + 1);
                case BsonTypeCode.Boolean:
                    return value[0] > 1 ? Error($"boolean value {value[0]} is neither 0 nor 1", offset) : null;
                case BsonTypeCode.Binary:
                    {
                        // Subtype 2 (old binary) repeats the length inside; both must agree.
                        if (value[4] == 2)
                        {
                            var outer = BinaryPrimitives.ReadInt32LittleEndian(value);
                            if (outer < 4 || BinaryPrimitives.ReadInt32LittleEndian(value[5..]) != outer - 4)
                            {
                                return Error("binary subtype 2 inner length does not match its outer length", offset);
                            }
                        }

                        return null;
                    }

                case BsonTypeCode.RegularExpression:
                    {
                        if (checkUtf8)
                        {
                            var pattern = value.IndexOf((byte)0);
                            if (!IsUtf8(value[..pattern]) || !IsUtf8(value[(pattern + 1)..^1]))
                            {
                                return Error("regular expression is not valid UTF-8", offset);
                            }
                        }

                        return null;
                    }

                case BsonTypeCode.DbPointer:
                    return ValidateString(value[..^12], offset);
                case BsonTypeCode.JavaScriptWithScope:
                    {
                        var total = BinaryPrimitives.ReadInt32LittleEndian(value);
                        var code = BsonValueSize.MeasureString(value[4..]);
                        if (code < 0 || 4 + code + 5 > total)
                        {
                            return Error("JavaScript code string has a bad length", offset + 4);
                        }

                        var problem = ValidateString(value.Slice(4, code), offset + 4);
                        if (problem is not null)
                        {
                            return problem;
                        }

                        var scope = value[(4 + code)..];
                        var scopeLength = BsonValueSize.MeasureDocument(scope);
                        return scopeLength != scope.Length
                            ? Error("JavaScript scope document does not fill its value", offset + 4 + code)
                            : ValidateDocument(scope, offset + 4 + code, depth + 1);
                    }

                default:
                    return null;
            }
        }

        private BsonFormatException? ValidateString(ReadOnlySpan<byte> value, int offset)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(value);
            if (length < 1 || value.Length != length + 4)
            {
                return Error($"string length {length} is inconsistent", offset);
            }

            if (value[^1] != 0)
            {
                return Error("string is not NUL-terminated", offset + value.Length - 1);
            }

            return checkUtf8 && !IsUtf8(value[4..^1]) ? Error("string is not valid UTF-8", offset + 4) : null;
        }

        private static bool IsUtf8(ReadOnlySpan<byte> bytes)
        {
            try
            {
                _ = StrictUtf8.GetCharCount(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }

        private BsonFormatException Error(string message, int offset) => new(message, baseOffset + offset);
    }
}
