using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>An aggregate of <c>$collStats: {storageStats: {}}</c>: a collection's count and size from its metadata (one result per shard).</summary>
public static class StorageStatsCommand
{
    public static RawDocument Build(string collection) => new BsonBuilder(128).StartDocument()
        .String("aggregate", collection)
        .StartArray("pipeline").StartDocument("0").StartDocument("$collStats").StartDocument("storageStats").End().End().End().End()
        .StartDocument("cursor").End()
        .End().ToDocument();
}
