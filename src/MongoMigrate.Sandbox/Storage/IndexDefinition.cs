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

    /// <summary>Whether the spec says hidden: true (collMod index.hidden; the planner then ignores the index).</summary>
    public bool Hidden => Specification.TryGetValue("hidden", out var hidden) && hidden.IsTruthy;

    /// <summary>prepareUnique (createIndexes or collMod): new duplicate keys are refused, older ones kept, until unique: true converts it.</summary>
    public bool PrepareUnique => Specification.TryGetValue("prepareUnique", out var prepare) && prepare.IsTruthy;

    /// <summary>A TTL index's expireAfterSeconds, or null for an index that expires nothing.</summary>
    public double? ExpireAfterSeconds => Specification.TryGetValue("expireAfterSeconds", out var seconds) && seconds.IsNumeric ? seconds.ToDouble() : null;

    /// <summary>This index with one field of its spec set (or removed when <paramref name="write"/> is null), the rest kept in place.</summary>
    public IndexDefinition With(string field, Action<BsonBuilder, string>? write)
    {
        var spec = new BsonBuilder(Specification.Length + 32).StartDocument();
        var written = false;
        foreach (var element in Specification)
        {
            if (element.Name != field)
            {
                spec.Element(element);
            }
            else if (write is not null)
            {
                write(spec, field);
                written = true;
            }
        }

        if (!written && write is not null)
        {
            write(spec, field);
        }

        var document = spec.End().ToDocument();
        var unique = document.TryGetValue("unique", out var u) && u.IsTruthy;
        return new IndexDefinition(Name, KeyPattern, document, unique, Sparse, PartialFilter);
    }

    /// <summary>This index with hidden: true in its spec, or without the field when unhidden, as mongod keeps it.</summary>
    public IndexDefinition WithHidden(bool hidden)
    {
        var spec = new BsonBuilder(Specification.Length + 16).StartDocument();
        foreach (var element in Specification)
        {
            if (element.Name != "hidden")
            {
                spec.Element(element);
            }
        }

        if (hidden)
        {
            spec.Boolean("hidden", true);
        }

        return new IndexDefinition(Name, KeyPattern, spec.End().ToDocument(), Unique, Sparse, PartialFilter);
    }

    public static IndexDefinition IdIndex { get; } = new(
        "_id_",
        new BsonBuilder().StartDocument().Int32("_id", 1).End().ToDocument(),
        new BsonBuilder().StartDocument().Int32("v", 2).StartDocument("key").Int32("_id", 1).End().String("name", "_id_").End().ToDocument(),
        unique: true,
        sparse: false,
        partialFilter: null);
}
