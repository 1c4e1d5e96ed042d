using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The listDatabases command (run on admin): the names of the databases the user may read.</summary>
public static class ListDatabasesCommand
{
    public static RawDocument Build() =>
        new BsonBuilder(96).StartDocument().Int32("listDatabases", 1).Boolean("nameOnly", true).Boolean("authorizedDatabases", true).End().ToDocument();

    /// <summary>The database names of a reply, in the order given.</summary>
    public static List<string> Names(RawDocument reply)
    {
        var names = new List<string>();
        foreach (var element in reply["databases"].AsDocument)
        {
            names.Add(element.Value.AsDocument["name"].AsString);
        }

        return names;
    }
}
