using MongoDB.Bson;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>What an update needs from outside: the clock ($currentDate, new ObjectIds) and the positional match.</summary>
public sealed class UpdateContext
{
    public UpdateContext(TimeProvider time)
    {
        Time = time;
    }

    public TimeProvider Time { get; }

    /// <summary>
    /// The array index the query matched, for the positional "$" operator ("a.$.b"); null when unknown, in
    /// which case a positional update fails as the server fails it when the query found no array match.
    /// </summary>
    public int? PositionalIndex { get; init; }

    /// <summary>A new ObjectId stamped with the context's clock (for upserted documents without an _id).</summary>
    public ObjectId NewObjectId() => ObjectId.GenerateNewId((int)Time.GetUtcNow().ToUnixTimeSeconds());
}
