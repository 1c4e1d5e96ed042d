using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The create command: a collection (or view) with the given options, copied element by element.</summary>
public static class CreateCommand
{
    /// <summary>mongod's NamespaceExists: the collection is there already.</summary>
    public const int NamespaceExists = 48;

    public static RawDocument Build(string collection, RawDocument? options = null)
    {
        var builder = new BsonBuilder((options?.Length ?? 0) + 64).StartDocument().String("create", collection);
        if (options is { } given)
        {
            foreach (var option in given)
            {
                builder.Element(option);
            }
        }

        return builder.End().ToDocument();
    }
}
