using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The getMore command: the next batch of an open cursor, at most <c>batchSize</c> documents, waiting up to <c>maxTimeMS</c> on a tailable one.</summary>
internal static class GetMoreCommand
{
    public static RawDocument Build(long cursorId, string collection, int? batchSize, TimeSpan? maxAwait)
    {
        var builder = new BsonBuilder(128).StartDocument().Int64("getMore", cursorId).String("collection", collection);
        if (batchSize is { } size)
        {
            builder.Int32("batchSize", size);
        }

        if (maxAwait is { } wait)
        {
            builder.Int64("maxTimeMS", (long)wait.TotalMilliseconds);
        }

        return builder.End().ToDocument();
    }
}
