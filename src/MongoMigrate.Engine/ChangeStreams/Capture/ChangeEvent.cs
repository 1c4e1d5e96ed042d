using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>A read-only view of one change event's raw bytes: the fields the engine routes and applies by, nothing copied.</summary>
public readonly struct ChangeEvent
{
    public ChangeEvent(RawDocument document)
    {
        Document = document;
    }

    public RawDocument Document { get; }

    /// <summary>The event's resume token (its _id).</summary>
    public RawDocument Token => Document["_id"].AsDocument;

    /// <summary>insert, update, replace, delete, drop, rename, dropDatabase, create, createIndexes, invalidate, ...</summary>
    public string OperationType => Document["operationType"].AsString;

    /// <summary>The source's cluster time of the event (a BSON timestamp: seconds in the high 32 bits).</summary>
    public ulong ClusterTime => Document.TryGetValue("clusterTime", out var time) && time.Type == BsonTypeCode.Timestamp ? time.AsTimestamp : 0;

    /// <summary>The event's namespace; the collection is empty for database-wide events (dropDatabase).</summary>
    public NamespaceName? Namespace => Document.TryGetValue("ns", out var ns) && ns.Type == BsonTypeCode.Document ? NamespaceOf(ns.AsDocument) : null;

    /// <summary>Where a rename moved the collection to.</summary>
    public NamespaceName? RenameTarget => Document.TryGetValue("to", out var to) && to.Type == BsonTypeCode.Document ? NamespaceOf(to.AsDocument) : null;

    /// <summary>The _id of the changed document, for document events.</summary>
    public RawBsonValue? DocumentId =>
        Document.TryGetValue("documentKey", out var key) && key.Type == BsonTypeCode.Document && key.AsDocument.TryGetValue("_id", out var id) ? id : null;

    public RawDocument? FullDocument => Document.TryGetValue("fullDocument", out var full) && full.Type == BsonTypeCode.Document ? full.AsDocument : null;

    public RawDocument? UpdateDescription =>
        Document.TryGetValue("updateDescription", out var description) && description.Type == BsonTypeCode.Document ? description.AsDocument : null;

    /// <summary>Whether the event changes one document (and is applied by its key) rather than a collection or database.</summary>
    public bool IsDocumentEvent => OperationType is "insert" or "update" or "replace" or "delete";

    private static NamespaceName NamespaceOf(RawDocument ns) => new(
        ns.TryGetValue("db", out var db) ? db.AsString : string.Empty,
        ns.TryGetValue("coll", out var coll) ? coll.AsString : string.Empty);
}
