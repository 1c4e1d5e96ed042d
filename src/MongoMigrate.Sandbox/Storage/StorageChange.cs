using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// One write as the storage reports it to its observer: what happened, to which collection, and the
/// document's images. The storage raises it under the collection's lock, so changes arrive in write order.
/// </summary>
internal readonly record struct StorageChange
{
    /// <summary>insert, update, replace, delete, create, createIndexes, dropIndexes, modify, drop, rename or dropDatabase.</summary>
    public required string OperationType { get; init; }

    public required Namespace Namespace { get; init; }

    public Guid CollectionUuid { get; init; }

    /// <summary>The document's _id, for document changes.</summary>
    public RawBsonValue? DocumentId { get; init; }

    /// <summary>The document after the change (insert, update, replace).</summary>
    public RawDocument? PostImage { get; init; }

    /// <summary>The document before the change (update, replace, delete).</summary>
    public RawDocument? PreImage { get; init; }

    /// <summary>For renames: the new namespace.</summary>
    public Namespace? RenameTarget { get; init; }

    /// <summary>For DDL changes: what changed (an index, the options of a view or a collMod, a rename's target).</summary>
    public RawDocument? OperationDescription { get; init; }

    /// <summary>The collection records pre- and post-images (changeStreamPreAndPostImages): change streams may show them.</summary>
    public bool ImagesEnabled { get; init; }

    /// <summary>For views: a DDL change on a view has no collection UUID to show.</summary>
    public bool IsView { get; init; }
}
