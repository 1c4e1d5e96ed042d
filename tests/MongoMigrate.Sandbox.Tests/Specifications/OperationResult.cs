using MongoDB.Bson;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// What an operation produced: a value (null when it returns nothing), an error, or an entity to save
/// (a cursor). <see cref="DocumentsAreRoot"/> marks iterables of documents, whose elements match as
/// root-level documents.
/// </summary>
public sealed record OperationResult(BsonValue? Value, Exception? Error = null, bool DocumentsAreRoot = false, object? Entity = null)
{
    public static readonly OperationResult None = new((BsonValue?)null);

    public static OperationResult Documents(IEnumerable<BsonDocument> documents) => new(new BsonArray(documents), DocumentsAreRoot: true);

    /// <summary>A single document (or null) that matches as a root-level document.</summary>
    public static OperationResult Document(BsonDocument? document) => new(document is null ? BsonNull.Value : document, DocumentsAreRoot: true);

    public static OperationResult Failed(Exception error) => new(null, error);
}
