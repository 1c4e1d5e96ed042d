using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The killCursors command for one cursor of a collection.</summary>
internal static class KillCursorsCommand
{
    public static RawDocument Build(string collection, long cursorId) => new BsonBuilder(128).StartDocument()
        .String("killCursors", collection)
        .StartArray("cursors").Int64("0", cursorId).End()
        .End().ToDocument();
}
