using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The delete command with one statement per _id, each removing at most that document (limit 1): unordered.</summary>
public static class DeleteByIdCommand
{
    public static RawDocument Build(string collection, IReadOnlyList<RawBsonValue> ids)
    {
        using var builder = new BsonBuilder((ids.Count * 64) + 128);
        builder.StartDocument().String("delete", collection).StartArray("deletes");
        for (var i = 0; i < ids.Count; i++)
        {
            builder.StartDocument(BsonBuilder.Index(i)).StartDocument("q").Value("_id", ids[i]).End().Int32("limit", 1).End();
        }

        return builder.End().Boolean("ordered", false).End().ToDocument();
    }
}
