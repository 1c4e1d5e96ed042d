using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>One document as stored: its exact bytes and its _id value (a view into the same bytes).</summary>
internal sealed class StoredDocument
{
    public StoredDocument(RawDocument document, RawBsonValue id, long recordId)
    {
        Document = document;
        Id = id;
        RecordId = recordId;
    }

    /// <summary>A probe for looking up the index by _id.</summary>
    public StoredDocument(RawBsonValue id)
    {
        Id = id;
        Document = RawDocument.Empty;
    }

    public RawDocument Document { get; }

    public RawBsonValue Id { get; }

    /// <summary>Insertion sequence: the natural order of capped collections.</summary>
    public long RecordId { get; }

    public int Size => Document.Length;
}
