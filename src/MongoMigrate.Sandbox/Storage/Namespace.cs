namespace MongoMigrate.Sandbox.Storage;

/// <summary>A database and collection name pair, "db.coll".</summary>
public readonly record struct Namespace(string Database, string Collection)
{
    public string FullName => Database + "." + Collection;

    public override string ToString() => FullName;

    /// <summary>Checks names the way the server does; throws InvalidNamespace (73) otherwise.</summary>
    public static Namespace Create(string database, string collection)
    {
        ValidateDatabase(database);
        if (string.IsNullOrEmpty(collection))
        {
            throw new CommandException(ServerErrorCode.InvalidNamespace, $"Invalid namespace specified '{database}.'");
        }

        if (collection.Contains('\0', StringComparison.Ordinal) || collection.StartsWith('.') || collection.Contains('$', StringComparison.Ordinal))
        {
            throw new CommandException(ServerErrorCode.InvalidNamespace, $"Invalid collection name: {collection}");
        }

        return new Namespace(database, collection);
    }

    public static void ValidateDatabase(string database)
    {
        if (string.IsNullOrEmpty(database) || database.Length > 63 || database.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '\0']) >= 0)
        {
            throw new CommandException(ServerErrorCode.InvalidNamespace, $"Invalid database name: '{database}'");
        }
    }
}
