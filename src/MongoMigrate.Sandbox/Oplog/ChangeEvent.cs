using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Oplog;

/// <summary>One entry of the server's change log, like an oplog entry: what changed, where and when.</summary>
internal sealed class ChangeEvent
{
    /// <summary>What an event costs beyond its documents: the object, its fields and its ring slot.</summary>
    private const int Overhead = 160;

    public required long Sequence { get; init; }

    public required ulong ClusterTime { get; init; }

    public required long WallTimeMilliseconds { get; init; }

    /// <summary>insert, update, replace, delete, drop, rename, dropDatabase, create, createIndexes, dropIndexes, modify, or noop (never shown).</summary>
    public required string OperationType { get; init; }

    public required Namespace Namespace { get; init; }

    public Guid CollectionUuid { get; init; }

    /// <summary>The document's _id (documentKey), for document events.</summary>
    public RawBsonValue? DocumentId { get; init; }

    /// <summary>The document after the change (insert, replace, update).</summary>
    public RawDocument? PostImage { get; init; }

    /// <summary>The document before the change (update, replace, delete).</summary>
    public RawDocument? PreImage { get; init; }

    /// <summary>For updates: {updatedFields, removedFields, truncatedArrays}.</summary>
    public RawDocument? UpdateDescription { get; init; }

    /// <summary>For renames: the new namespace.</summary>
    public Namespace? RenameTarget { get; init; }

    /// <summary>For DDL events: operationDescription as expanded events show it.</summary>
    public RawDocument? OperationDescription { get; init; }

    /// <summary>The collection recorded pre- and post-images for this event (changeStreamPreAndPostImages was on).</summary>
    public bool ImagesEnabled { get; init; }

    public bool IsView { get; init; }

    /// <summary>The bytes this event keeps alive, counted against the change log's budget.</summary>
    public int Size => Overhead + (DocumentId?.Bytes.Length ?? 0) + (PostImage?.Length ?? 0) + (PreImage?.Length ?? 0) + (UpdateDescription?.Length ?? 0) + (OperationDescription?.Length ?? 0);

    public bool IsDocumentEvent => OperationType is "insert" or "update" or "replace" or "delete";
}
