using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The drop command for one collection or view.</summary>
public static class DropCommand
{
    /// <summary>mongod's NamespaceNotFound: nothing of that name to drop.</summary>
    public const int NamespaceNotFound = 26;

    public static RawDocument Build(string collection) => new BsonBuilder(64).StartDocument().String("drop", collection).End().ToDocument();
}
