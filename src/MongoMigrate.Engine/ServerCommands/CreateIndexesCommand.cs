using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// The createIndexes command for one collection. Each specification is written as given except its legacy <c>ns</c>
/// (listIndexes on older servers reports it; the collection the command names is the one that counts).
/// </summary>
public static class CreateIndexesCommand
{
    /// <summary>The command; <c>ignoreUnknownIndexOptions</c> lets the server drop options it does not know (specs from older servers may carry some; 4.1.9+).</summary>
    public static RawDocument Build(string collection, IReadOnlyList<RawDocument> indexes, bool ignoreUnknownIndexOptions = false)
    {
        var builder = new BsonBuilder(256 + indexes.Sum(i => i.Length)).StartDocument().String("createIndexes", collection).StartArray("indexes");
        for (var i = 0; i < indexes.Count; i++)
        {
            builder.StartDocument(BsonBuilder.Index(i));
            foreach (var element in indexes[i])
            {
                if (!element.NameEquals("ns"u8))
                {
                    builder.Element(element);
                }
            }

            builder.End();
        }

        builder.End();
        if (ignoreUnknownIndexOptions)
        {
            builder.Boolean("ignoreUnknownIndexOptions", true);
        }

        return builder.End().ToDocument();
    }
}
