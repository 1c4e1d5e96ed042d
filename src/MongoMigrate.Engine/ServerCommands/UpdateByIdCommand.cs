using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The update command with one single-document statement per _id: unordered, validation bypassed.</summary>
public static class UpdateByIdCommand
{
    public static RawDocument Build(string collection, IReadOnlyList<UpdateById> updates)
    {
        var size = 256;
        foreach (var update in updates)
        {
            size += update.Body.Length + update.Id.Span.Length + 64;
        }

        using var builder = new BsonBuilder(size);
        builder.StartDocument().String("update", collection).StartArray("updates");
        for (var i = 0; i < updates.Count; i++)
        {
            var update = updates[i];
            builder.StartDocument(BsonBuilder.Index(i))
                .StartDocument("q").Value("_id", update.Id).End()
                .Document("u", update.Body)
                .Boolean("upsert", update.Upsert)
                .Boolean("multi", false)
                .End();
        }

        return builder.End().Boolean("ordered", false).Boolean("bypassDocumentValidation", true).End().ToDocument();
    }
}
