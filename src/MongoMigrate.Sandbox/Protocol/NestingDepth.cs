using System.Buffers.Binary;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Protocol;

/// <summary>
/// The nesting limit mongod puts on the BSON it receives (maxBSONDepth, 200 by default): a document or
/// array more than 200 levels below the top-level document is refused with Overflow (15). Checked
/// without recursion before anything else walks the document, so no depth can exhaust the stack.
/// </summary>
internal static class NestingDepth
{
    public const int Max = 200;

    /// <summary>The error mongod answers a command with when its BSON nests too deep.</summary>
    public static CommandException TooDeep() =>
        new(ServerErrorCode.Overflow, $"BSONObj exceeded maximum nested object depth: {Max}");

    /// <summary>
    /// False when an embedded document or array of <paramref name="document"/> sits more than
    /// <paramref name="max"/> levels below it. Framing errors end the scan early with true: the
    /// validator that runs next reports them.
    /// </summary>
    public static bool IsWithin(ReadOnlySpan<byte> document, int max = Max)
    {
        if (document.Length < 5)
        {
            return true;
        }

        var position = 4;
        var depth = 0;
        while (position < document.Length)
        {
            var type = (BsonTypeCode)document[position++];
            if (type == BsonTypeCode.EndOfDocument)
            {
                if (depth == 0)
                {
                    return true;
                }

                depth--;
                continue;
            }

            var nameLength = document[position..].IndexOf((byte)0);
            if (nameLength < 0)
            {
                return true;
            }

            position += nameLength + 1;
            var value = document[position..];
            switch (type)
            {
                case BsonTypeCode.Document:
                case BsonTypeCode.Array:
                    if (++depth > max)
                    {
                        return false;
                    }

                    // Step inside: its elements follow its length.
                    position += 4;
                    continue;

                case BsonTypeCode.JavaScriptWithScope:
                    {
                        if (value.Length < 8)
                        {
                            return true;
                        }

                        var codeLength = BinaryPrimitives.ReadInt32LittleEndian(value[4..]);
                        if (codeLength < 1 || codeLength > value.Length - 8 - 5)
                        {
                            return true;
                        }

                        if (++depth > max)
                        {
                            return false;
                        }

                        // Step inside the scope document, the last part of the value.
                        position += 4 + 4 + codeLength + 4;
                        continue;
                    }

                default:
                    {
                        var size = BsonValueSize.Measure(type, value);
                        if (size < 0)
                        {
                            return true;
                        }

                        position += size;
                        continue;
                    }
            }
        }

        return true;
    }
}
