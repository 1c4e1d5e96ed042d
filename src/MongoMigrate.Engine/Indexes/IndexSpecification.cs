using MongoMigrate.Bson;

namespace MongoMigrate.Engine.Indexes;

/// <summary>Reads what the engine needs from a listIndexes specification, and rewrites it for createIndexes.</summary>
public static class IndexSpecification
{
    public static string Name(RawDocument spec) => spec.TryGetValue("name", out var name) && name.Type == BsonTypeCode.String ? name.AsString : "(unnamed)";

    public static bool IsIdIndex(RawDocument spec) => Name(spec) == "_id_";

    public static bool IsUnique(RawDocument spec) => spec.TryGetValue("unique", out var unique) && unique.IsTruthy;

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
