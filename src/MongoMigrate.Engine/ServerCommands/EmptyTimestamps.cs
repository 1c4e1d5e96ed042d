using System.Buffers.Binary;
using MongoDB.Driver;
using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// MongoDB stores a top-level Timestamp(0,0) (any field but _id) as the current cluster time when a document is
/// inserted or replaced whole, unless the write command carries <c>bypassEmptyTsReplacement: true</c>
/// (SERVER-88750; MongoDB 8.0, 7.0.13, 6.0.17, 5.0.29 and later). mongorestore and mongosync send the flag;
/// the engine sends it on the inserts and replacements whose documents hold such a value, so they arrive byte
/// for byte and verification finds them equal. A target too old for the flag refuses the command (40415), and
/// the copy stops with <see cref="TargetCannotKeep"/> instead of storing other values than the source has.
/// </summary>
public static class EmptyTimestamps
{
    public const string BypassField = "bypassEmptyTsReplacement";

    /// <summary>The server's answer to a command field it does not know (IDL unknown field).</summary>
    public const int UnknownFieldCode = 40415;

    /// <summary>True when the target would store another value than the document holds, were the flag missing.</summary>
    /// <remarks>
    /// Every inserted document passes here, so this walks the top-level elements on the span itself: a type byte, a name,
    /// a value skipped by its size, nothing materialized. Bytes it cannot frame go through the element enumerator, which
    /// throws the same <see cref="BsonFormatException"/> as any other read of the document.
    /// </remarks>
    public static bool WouldBeFilled(RawDocument document)
    {
        var bytes = document.Span;
        var end = bytes.Length - 1;
        var position = 4;
        while (position < end)
        {
            var type = (BsonTypeCode)bytes[position];
            if (type == 0)
            {
                return false;
            }

            var nameLength = bytes[(position + 1)..].IndexOf((byte)0);
            var valueStart = position + nameLength + 2;
            var valueLength = nameLength < 0 ? -1 : BsonValueSize.Measure(type, bytes[valueStart..end]);
            if (valueLength < 0)
            {
                return WouldBeFilledByElements(document);
            }

            if (type == BsonTypeCode.Timestamp
                && BinaryPrimitives.ReadUInt64LittleEndian(bytes[valueStart..]) == 0
                && !bytes.Slice(position + 1, nameLength).SequenceEqual("_id"u8))
            {
                return true;
            }

            position = valueStart + valueLength;
        }

        return false;
    }

    /// <summary>The same answer by the element enumerator, which names what is wrong with a damaged document.</summary>
    private static bool WouldBeFilledByElements(RawDocument document)
    {
        foreach (var element in document)
        {
            if (element.Type == BsonTypeCode.Timestamp && element.Value.AsTimestamp == 0 && !element.NameEquals("_id"u8))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for the target's refusal of the flag itself.</summary>
    public static bool IsFlagRefused(MongoCommandException exception) =>
        exception.Code == UnknownFieldCode;

    /// <summary>The error that stops a copy when the target cannot keep an empty timestamp.</summary>
    public static MigrationException TargetCannotKeep(string collection, RawDocument document, Exception inner) => new(
        $"A document of {collection} (_id {(document.TryGetValue("_id", out var id) ? BsonDebugText.Format(id) : "?")}) has a top-level Timestamp(0,0), "
        + $"which this target would replace with the current time: it does not accept {BypassField} (MongoDB 8.0, 7.0.13, 6.0.17, 5.0.29 and later do). "
        + "Upgrade the target to such a version, or change those values on the source, then resume.",
        inner);
}
