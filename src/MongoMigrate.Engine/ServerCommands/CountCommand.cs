using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The count command: the documents of a collection, or of those a query selects (from metadata when there is no query).</summary>
public static class CountCommand
{
    public static RawDocument Build(string collection, RawDocument? query = null)
    {
        var builder = new BsonBuilder((query?.Length ?? 0) + 64).StartDocument().String("count", collection);
        if (query is { } filter)
        {
            builder.Document("query", filter);
        }

        return builder.End().ToDocument();
    }

    /// <summary>The count a reply gives (<c>n</c>), or -1 when it gives none.</summary>
    public static long Result(RawDocument reply) => reply.TryGetValue("n", out var n) && n.TryGetInt64(out var count) ? count : -1;
}
