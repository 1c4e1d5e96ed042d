using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>The delete command with one statement that removes every document a filter selects (limit 0).</summary>
public static class DeleteManyCommand
{
    public static RawDocument Build(string collection, RawDocument filter) => new BsonBuilder(filter.Length + 96).StartDocument()
        .String("delete", collection)
        .StartArray("deletes").StartDocument("0").Document("q", filter).Int32("limit", 0).End().End()
        .End().ToDocument();

    /// <summary>How many documents a reply says were removed (<c>n</c>), 0 when it says nothing.</summary>
    public static long Removed(RawDocument reply) => reply.TryGetValue("n", out var n) && n.TryGetInt64(out var count) ? count : 0;
}
