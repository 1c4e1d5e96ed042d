using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Oplog;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// mongod's empty-timestamp rule: a top-level field other than _id holding Timestamp(0,0) is stored as a fresh
/// cluster time (one tick per field) when a document is inserted or replaced whole (insert, replacement-style
/// update and findAndModify, their upserts). $set, pipeline updates, nested fields and _id keep the value as sent.
/// A write command with <c>bypassEmptyTsReplacement: true</c> (SERVER-88750: 8.0, 7.0.13, 6.0.17, 5.0.29) keeps it too;
/// mongorestore and mongosync send it, and so does this project's engine.
/// </summary>
internal static class EmptyTimestamps
{
    public const string BypassField = "bypassEmptyTsReplacement";

    /// <summary>True when the command asked to keep empty timestamps as sent.</summary>
    public static bool Bypassed(CommandContext context) => context.GetBoolean(BypassField, false);

    /// <summary>The document with its top-level empty timestamps filled from the clock; the same bytes when it has none.</summary>
    public static RawDocument Fill(RawDocument document, ClusterClock clock)
    {
        if (!HasAny(document))
        {
            return document;
        }

        var builder = new BsonBuilder(document.Length + 16).StartDocument();
        foreach (var element in document)
        {
            if (IsFilled(element))
            {
                builder.Timestamp(element.Name, clock.Tick());
            }
            else
            {
                builder.Element(element);
            }
        }

        return builder.End().ToDocument();
    }

    private static bool HasAny(RawDocument document)
    {
        foreach (var element in document)
        {
            if (IsFilled(element))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFilled(RawBsonElement element) =>
        element.Type == BsonTypeCode.Timestamp && element.Value.AsTimestamp == 0 && !element.NameEquals("_id"u8);
}
