using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>collMod's index changes (6.0+): a TTL index's expiry, and a non-unique index made unique in two steps.</summary>
public static class CollModIndexCommand
{
    /// <summary>mongod's CannotConvertIndexToUnique: documents share a key; the reply's violations list their _ids.</summary>
    public const int CannotConvertIndexToUnique = 359;

    public static RawDocument ExpireAfterSeconds(string collection, string index, RawBsonValue seconds) =>
        Build(collection, index, b => b.Value("expireAfterSeconds", seconds));

    /// <summary>The first step of a conversion: new duplicate keys are refused from now on.</summary>
    public static RawDocument PrepareUnique(string collection, string index) => Build(collection, index, b => b.Boolean("prepareUnique", true));

    /// <summary>The second step: the index is checked for duplicates and made unique.</summary>
    public static RawDocument Unique(string collection, string index) => Build(collection, index, b => b.Boolean("unique", true));

    private static RawDocument Build(string collection, string index, Action<BsonBuilder> change)
    {
        var builder = new BsonBuilder(128).StartDocument().String("collMod", collection).StartDocument("index").String("name", index);
        change(builder);
        return builder.End().End().ToDocument();
    }
}
