using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>Driver result objects as the documents the format's expectResult describes (CRUD spec field names).</summary>
public static class ResultDocuments
{
    public static BsonDocument FromUpdate(UpdateResult result) => result.IsAcknowledged
        ? new BsonDocument
        {
            { "matchedCount", result.MatchedCount },
            { "modifiedCount", result.IsModifiedCountAvailable ? result.ModifiedCount : 0 },
            { "upsertedCount", result.UpsertedId is null ? 0 : 1 },
            { "upsertedId", result.UpsertedId, result.UpsertedId is not null },
        }
        : Unacknowledged;

    public static BsonDocument FromReplace(ReplaceOneResult result) => result.IsAcknowledged
        ? new BsonDocument
        {
            { "matchedCount", result.MatchedCount },
            { "modifiedCount", result.IsModifiedCountAvailable ? result.ModifiedCount : 0 },
            { "upsertedCount", result.UpsertedId is null ? 0 : 1 },
            { "upsertedId", result.UpsertedId, result.UpsertedId is not null },
        }
        : Unacknowledged;

    public static BsonDocument FromDelete(DeleteResult result) =>
        result.IsAcknowledged ? new BsonDocument("deletedCount", result.DeletedCount) : Unacknowledged;

    /// <summary>BulkWriteResult; write errors' indexes are left out of insertedIds (those documents were not written).</summary>
    public static BsonDocument FromBulkWrite(BulkWriteResult<BsonDocument> result, IEnumerable<int>? failedIndexes = null)
    {
        if (!result.IsAcknowledged)
        {
            return Unacknowledged;
        }

        var failed = new HashSet<int>(failedIndexes ?? []);
        var insertedIds = new BsonDocument();
        for (var i = 0; i < result.ProcessedRequests.Count; i++)
        {
            if (!failed.Contains(i) && result.ProcessedRequests[i] is InsertOneModel<BsonDocument> insert && insert.Document.TryGetValue("_id", out var id))
            {
                insertedIds.Add(Index(i), id);
            }
        }

        return new BsonDocument
        {
            { "deletedCount", result.DeletedCount },
            { "insertedCount", result.InsertedCount },
            { "matchedCount", result.MatchedCount },
            { "modifiedCount", result.IsModifiedCountAvailable ? result.ModifiedCount : 0 },
            { "upsertedCount", result.Upserts.Count },
            { "insertedIds", insertedIds },
            { "upsertedIds", new BsonDocument(result.Upserts.Select(u => new BsonElement(Index(u.Index), u.Id))) },
        };
    }

    public static BsonDocument FromClientBulkWrite(ClientBulkWriteResult result)
    {
        if (!result.Acknowledged)
        {
            return Unacknowledged;
        }

        var document = new BsonDocument
        {
            { "insertedCount", result.InsertedCount },
            { "upsertedCount", result.UpsertedCount },
            { "matchedCount", result.MatchedCount },
            { "modifiedCount", result.ModifiedCount },
            { "deletedCount", result.DeletedCount },
        };
        if (result.InsertResults is { } inserts)
        {
            document["insertResults"] = new BsonDocument(inserts.OrderBy(r => r.Key).Select(r =>
                new BsonElement(Index(r.Key), new BsonDocument("insertedId", BsonValue.Create(r.Value.DocumentId)))));
        }

        if (result.UpdateResults is { } updates)
        {
            document["updateResults"] = new BsonDocument(updates.OrderBy(r => r.Key).Select(r =>
                new BsonElement(Index(r.Key), new BsonDocument
                {
                    { "matchedCount", r.Value.MatchedCount },
                    { "modifiedCount", r.Value.ModifiedCount },
                    { "upsertedId", () => BsonValue.Create(r.Value.UpsertedId), r.Value.UpsertedId is not null },
                })));
        }

        if (result.DeleteResults is { } deletes)
        {
            document["deleteResults"] = new BsonDocument(deletes.OrderBy(r => r.Key).Select(r =>
                new BsonElement(Index(r.Key), new BsonDocument("deletedCount", r.Value.DeletedCount))));
        }

        return document;
    }

    private static BsonDocument Unacknowledged => new("acknowledged", false);

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
