using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>
/// A reply that carries a cursor (the command that opened it, or a getMore): its id (0 once the server closed it),
/// the collection its getMores name, the batch's documents pointing into the reply's bytes, and the reply and cursor
/// documents themselves for whatever else a caller reads (a change stream's postBatchResumeToken, an operationTime).
/// </summary>
public sealed record CursorReply(long CursorId, string Collection, List<RawDocument> Documents, RawDocument Cursor, RawDocument Reply)
{
    public static CursorReply Parse(RawDocument reply)
    {
        var cursor = reply["cursor"].AsDocument;
        var id = cursor["id"].TryGetInt64(out var value) ? value : 0;
        var collection = string.Empty;
        if (cursor.TryGetValue("ns", out var ns) && ns.Type == BsonTypeCode.String)
        {
            var name = ns.AsString;
            collection = name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..];
        }

        var batch = cursor.TryGetValue("firstBatch", out var firstBatch) ? firstBatch : cursor["nextBatch"];
        var documents = new List<RawDocument>();
        foreach (var element in batch.AsDocument)
        {
            documents.Add(element.Value.AsDocument);
        }

        return new CursorReply(id, collection, documents, cursor, reply);
    }
}
