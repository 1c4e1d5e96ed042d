using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The listCollections command of one database: every collection and view, or the one of a name; names only or with options and info.</summary>
public static class ListCollectionsCommand
{
    public static RawDocument Build(string? name = null, bool nameOnly = false)
    {
        var builder = new BsonBuilder(128 + (name?.Length ?? 0)).StartDocument().Int32("listCollections", 1);
        if (name is not null)
        {
            builder.StartDocument("filter").String("name", name).End();
        }

        if (nameOnly)
        {
            builder.Boolean("nameOnly", true);
        }

        return builder.StartDocument("cursor").End().End().ToDocument();
    }
}
