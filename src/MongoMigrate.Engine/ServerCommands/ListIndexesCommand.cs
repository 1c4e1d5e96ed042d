using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The listIndexes command: the index specifications of one collection, as a cursor.</summary>
public static class ListIndexesCommand
{
    public static RawDocument Build(string collection) =>
        new BsonBuilder(64 + collection.Length).StartDocument().String("listIndexes", collection).StartDocument("cursor").End().End().ToDocument();
}
