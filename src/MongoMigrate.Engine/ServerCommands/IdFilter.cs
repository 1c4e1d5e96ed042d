using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>Query filters on _id: one value (<c>{_id: v}</c>) or any of several (<c>{_id: {$in: [...]}}</c>).</summary>
public static class IdFilter
{
    public static RawDocument Equal(RawBsonValue id) => new BsonBuilder(id.Span.Length + 32).StartDocument().Value("_id", id).End().ToDocument();

    /// <remarks>$in treats a regular expression as a pattern, not a value: such an _id matches more than itself.</remarks>
    public static RawDocument In(IReadOnlyList<RawBsonValue> ids)
    {
        var builder = new BsonBuilder(64 + (ids.Count * 32)).StartDocument().StartDocument("_id").StartArray("$in");
        for (var i = 0; i < ids.Count; i++)
        {
            builder.Value(BsonBuilder.Index(i), ids[i]);
        }

        return builder.End().End().End().ToDocument();
    }
}
