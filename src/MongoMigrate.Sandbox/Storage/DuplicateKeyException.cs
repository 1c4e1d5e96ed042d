using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>E11000: a write would put two documents under one key of a unique index.</summary>
public sealed class DuplicateKeyException : CommandException
{
    public DuplicateKeyException(Namespace ns, string indexName, RawDocument keyPattern, RawDocument keyValue)
        : base(ServerErrorCode.DuplicateKey, $"E11000 duplicate key error collection: {ns.FullName} index: {indexName} dup key: {BsonDebugText.Format(keyValue)}")
    {
        KeyPattern = keyPattern;
        KeyValue = keyValue;
    }

    public RawDocument KeyPattern { get; }

    public RawDocument KeyValue { get; }
}
