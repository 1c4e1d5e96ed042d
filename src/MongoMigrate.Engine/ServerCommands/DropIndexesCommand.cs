using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The dropIndexes command for one index of a collection, named as a change event names it.</summary>
public static class DropIndexesCommand
{
    /// <summary>mongod's IndexNotFound: no index of that name.</summary>
    public const int IndexNotFound = 27;

    public static RawDocument Build(string collection, RawBsonValue index) =>
        new BsonBuilder(128).StartDocument().String("dropIndexes", collection).Value("index", index).End().ToDocument();
}
