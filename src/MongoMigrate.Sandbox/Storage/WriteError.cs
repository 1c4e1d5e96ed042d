using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>One failed document of a write command, reported in writeErrors with its index in the batch.</summary>
public sealed record WriteError(int Index, int Code, string Message)
{
    /// <summary>For duplicate keys: the index's key pattern and the offending key, as the server reports them.</summary>
    public RawDocument? KeyPattern { get; init; }

    public RawDocument? KeyValue { get; init; }

    public static WriteError From(int index, CommandException e) =>
        e is DuplicateKeyException dup
            ? new WriteError(index, e.Code, e.Message) { KeyPattern = dup.KeyPattern, KeyValue = dup.KeyValue }
            : new WriteError(index, e.Code, e.Message);
}
