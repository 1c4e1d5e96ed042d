using MongoMigrate.Bson;

namespace MongoMigrate.Engine.Copying;

/// <summary>The target refused a document for a reason other than "already there": retrying will not help.</summary>
public sealed class DocumentWriteException : MigrationException
{
    public DocumentWriteException(string collection, long code, string message, RawDocument? document)
        : base($"The target refused a document of {collection} (code {code}): {message}{(document is { } d && d.TryGetFirst(out var id) ? $" (_id {BsonDebugText.Format(id.Value)})" : string.Empty)}")
    {
        Code = code;
    }

    public DocumentWriteException()
    {
    }

    public DocumentWriteException(string message)
        : base(message)
    {
    }

    public DocumentWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public long Code { get; }
}
