namespace MongoMigrate.Engine.Namespaces;

/// <summary>A database and collection name; the collection may contain dots ("db.a.b" is database db, collection a.b).</summary>
public readonly record struct NamespaceName(string Database, string Collection) : IComparable<NamespaceName>
{
    public string FullName => Database + "." + Collection;

    /// <summary>Splits "db.coll" at the first dot, as the server does.</summary>
    public static NamespaceName Parse(string fullName)
    {
        var dot = fullName.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == fullName.Length - 1)
        {
            throw new MigrationException($"'{fullName}' is not a namespace: use database.collection.");
        }

        return new NamespaceName(fullName[..dot], fullName[(dot + 1)..]);
    }

    public int CompareTo(NamespaceName other) => string.CompareOrdinal(FullName, other.FullName);

    public override string ToString() => FullName;
}
