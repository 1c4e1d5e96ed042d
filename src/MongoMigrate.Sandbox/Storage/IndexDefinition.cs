using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>An index as listIndexes reports it: name, key pattern and the full specification.</summary>
internal sealed class IndexDefinition
{
    public IndexDefinition(string name, RawDocument keyPattern, RawDocument specification, bool unique, bool sparse, RawDocument? partialFilter)
    {
        Name = name;
        KeyPattern = keyPattern;
        Specification = specification;
        Unique = unique;
        Sparse = sparse;
        PartialFilter = partialFilter;
    }

    public string Name { get; }

    public RawDocument KeyPattern { get; }

    /// <summary>The spec as listIndexes returns it ({v, key, name, ...options}).</summary>
    public RawDocument Specification { get; }

    public bool Unique { get; }

    public bool Sparse { get; }

    public RawDocument? PartialFilter { get; }

    public bool IsIdIndex => Name == "_id_";

    public static IndexDefinition IdIndex { get; } = new(
        "_id_",
        new BsonBuilder().StartDocument().Int32("_id", 1).End().ToDocument(),
        new BsonBuilder().StartDocument().Int32("v", 2).StartDocument("key").Int32("_id", 1).End().String("name", "_id_").End().ToDocument(),
        unique: true,
        sparse: false,
        partialFilter: null);
}
