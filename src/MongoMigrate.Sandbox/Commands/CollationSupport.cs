using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>
/// The sandbox compares strings in binary UTF-8 order only, which is MongoDB's simple collation. A read or write
/// asking for another collation is refused with BadValue rather than answered as if it had none.
/// </summary>
internal static class CollationSupport
{
    /// <summary>Checks a command's or statement's "collation" field: absent, or {locale: "simple"}.</summary>
    public static void Check(RawDocument holder)
    {
        if (!holder.TryGetValue("collation", out var collation) || collation.IsNullOrUndefined)
        {
            return;
        }

        if (collation.Type != BsonTypeCode.Document)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, $"BSON field 'collation' is the wrong type '{BsonTypeNames.Of(collation.Type)}', expected type 'object'");
        }

        var spec = collation.AsDocument;
        if (spec.TryGetValue("locale", out var locale) && locale.Type == BsonTypeCode.String && locale.AsString == "simple")
        {
            return;
        }

        throw new CommandException(
            ServerErrorCode.BadValue,
            $"The sandbox has no collation support: it compares strings in binary order (collation {{locale: \"simple\"}}) and refuses collation {BsonDebugText.Format(spec)}; run this against a real MongoDB.");
    }
}
