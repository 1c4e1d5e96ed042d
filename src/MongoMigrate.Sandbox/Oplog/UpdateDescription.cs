using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Oplog;

/// <summary>Builds an update event's {updatedFields, removedFields, truncatedArrays} by comparing the two versions.</summary>
internal static class UpdateDescription
{
    /// <summary>
    /// Top-level differences: changed or added fields with their new values, and removed field names.
    /// The server reports nested changes as dotted paths; reporting the enclosing top-level field is
    /// coarser but applying it gives the same document, which is what a consumer relies on.
    /// </summary>
    public static RawDocument Diff(RawDocument before, RawDocument after)
    {
        var builder = new BsonBuilder(after.Length + 64).StartDocument().StartDocument("updatedFields");
        foreach (var element in after)
        {
            if (!before.TryGetValue(element.Utf8Name.Span, out var old) || !old.Equals(element.Value))
            {
                builder.Element(element);
            }
        }

        builder.End().StartArray("removedFields");
        var removed = 0;
        foreach (var element in before)
        {
            if (!after.TryGetValue(element.Utf8Name.Span, out _))
            {
                builder.String(BsonBuilder.Index(removed++), element.Name);
            }
        }

        return builder.End().StartArray("truncatedArrays").End().End().ToDocument();
    }
}
