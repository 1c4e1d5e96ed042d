using MongoMigrate.Bson;

namespace MongoMigrate.Engine.Indexes;

/// <summary>Reads what the engine needs from a listIndexes specification, and rewrites it for createIndexes.</summary>
public static class IndexSpecification
{
    public static string Name(RawDocument spec) => spec.TryGetValue("name", out var name) && name.Type == BsonTypeCode.String ? name.AsString : "(unnamed)";

    public static bool IsIdIndex(RawDocument spec) => Name(spec) == "_id_";

    public static bool IsUnique(RawDocument spec) => spec.TryGetValue("unique", out var unique) && unique.IsTruthy;

    /// <summary>Whether the index is a TTL index (it deletes documents once their date is older than its expireAfterSeconds).</summary>
    public static bool IsTtl(RawDocument spec) => spec.TryGetValue("expireAfterSeconds", out var seconds) && seconds.IsNumeric;

    /// <summary>The expireAfterSeconds an online job gives TTL indexes until cutover: the largest the server takes, so nothing expires.</summary>
    public const int FollowingExpireAfterSeconds = int.MaxValue;

    /// <summary>
    /// The spec to build on a target an online job follows into (as mongosync builds them): a unique index without
    /// uniqueness enforced (replaying older states can move a value from one document to another out of order), and a
    /// TTL index with an expiry that never comes (the target must not delete what the source still holds). The cutover
    /// gives both back their own (<see cref="ForCreate"/> shows what they become).
    /// </summary>
    public static RawDocument ForFollowing(RawDocument spec)
    {
        var builder = new BsonBuilder(spec.Length).StartDocument();
        foreach (var element in ForCreate(spec))
        {
            if (element.NameEquals("unique"u8) || element.NameEquals("prepareUnique"u8))
            {
                continue;
            }

            if (element.NameEquals("expireAfterSeconds"u8) && element.Value.IsNumeric)
            {
                builder.Int32("expireAfterSeconds", FollowingExpireAfterSeconds);
                continue;
            }

            builder.Element(element);
        }

        return builder.End().ToDocument();
    }

    /// <summary>
    /// The spec to send to createIndexes: everything the source reported except the fields the server
    /// fills in itself (v, the legacy ns, the deprecated background flag).
    /// </summary>
    public static RawDocument ForCreate(RawDocument spec)
    {
        var builder = new BsonBuilder(spec.Length).StartDocument();
        foreach (var element in spec)
        {
            if (element.NameEquals("v"u8) || element.NameEquals("ns"u8) || element.NameEquals("background"u8))
            {
                continue;
            }

            builder.Element(element);
        }

        return builder.End().ToDocument();
    }
}
