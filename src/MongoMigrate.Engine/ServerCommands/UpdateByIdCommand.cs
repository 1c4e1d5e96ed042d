using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// The update command with one single-document statement per _id: unordered, validation bypassed; with
/// <c>keepEmptyTimestamps</c>, replacements keep their top-level Timestamp(0,0) values (<see cref="EmptyTimestamps"/>).
/// </summary>
public static class UpdateByIdCommand
{
    public static RawDocument Build(string collection, IReadOnlyList<UpdateById> updates, bool keepEmptyTimestamps = false)
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

        builder.End().Boolean("ordered", false).Boolean("bypassDocumentValidation", true);
        if (keepEmptyTimestamps)
        {
            builder.Boolean(EmptyTimestamps.BypassField, true);
        }

        return builder.End().ToDocument();
    }
}
