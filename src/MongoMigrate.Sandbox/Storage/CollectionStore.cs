using System.Diagnostics;
using MongoDB.Bson;
using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// One collection in memory: documents as exact bytes in an ordered _id index, unique secondary indexes,
/// capped limits and statistics. Callers hold <see cref="SyncRoot"/> around every read and write, so a
/// multi-document command sees and changes a consistent collection; every change is reported to the storage's observer.
/// </summary>
internal sealed class CollectionStore
{
    public const int MaxDocumentSize = 16 * 1024 * 1024;

    private readonly SortedSet<StoredDocument> _byId = new(IdOrder.Instance);
    private readonly SortedDictionary<long, StoredDocument>? _byRecord;
    private readonly List<IndexDefinition> _indexes = [IndexDefinition.IdIndex];
    private readonly List<UniqueIndex> _uniqueIndexes = [];
    private readonly IStorageObserver _observer;
    private readonly UserWriteBlock _writeBlock;
    private long _nextRecordId = 1;

    public CollectionStore(Namespace ns, RawDocument options, IStorageObserver observer, UserWriteBlock? writeBlock = null)
    {
        Namespace = ns;
        Options = options;
        _observer = observer;
        _writeBlock = writeBlock ?? new UserWriteBlock();
        ChangeStreamPreAndPostImages = PreAndPostImagesEnabled(options);
        Validation = DocumentValidation.From(options);
        if (options.TryGetValue("capped", out var capped) && capped.IsTruthy)
        {
            IsCapped = true;
            _byRecord = new SortedDictionary<long, StoredDocument>();
            CappedMaxBytes = options.TryGetValue("size", out var size) && size.TryGetInt64(out var bytes) ? Math.Max(bytes, 4096) : 4096;
            CappedMaxDocuments = options.TryGetValue("max", out var max) && max.TryGetInt64(out var docs) && docs > 0 ? docs : null;
        }
    }

    public Namespace Namespace { get; private set; }

    public Guid Uuid { get; } = Guid.NewGuid();

    /// <summary>The options given to create, as listCollections reports them.</summary>
    public RawDocument Options { get; private set; }

    public bool IsCapped { get; }

    /// <summary>The validator writes must pass (unless they bypass it), or null.</summary>
    public DocumentValidation? Validation { get; private set; }

    public long? CappedMaxBytes { get; }

    public long? CappedMaxDocuments { get; }

    /// <summary>changeStreamPreAndPostImages: {enabled: true} (create or collMod): changes keep the documents' images for change streams.</summary>
    public bool ChangeStreamPreAndPostImages { get; private set; }

    /// <summary>Held by every reader and writer of this collection.</summary>
    public Lock SyncRoot { get; } = new();

    public int Count => _byId.Count;

    public long DataSize { get; private set; }

    public IReadOnlyList<IndexDefinition> Indexes => _indexes;

    /// <summary>Set when the collection was dropped: cursors over it end, writers recreate it.</summary>
    public bool IsDropped { get; private set; }

    public StoredDocument? FindById(RawBsonValue id) =>
        _byId.TryGetValue(new StoredDocument(id), out var found) ? found : null;

    /// <summary>Documents in _id order from <paramref name="lower"/> to <paramref name="upper"/> (inclusive; null means unbounded).</summary>
    public IEnumerable<StoredDocument> Range(RawBsonValue? lower, RawBsonValue? upper, bool descending)
    {
        IEnumerable<StoredDocument> view;
        if (lower is null && upper is null)
        {
            view = _byId;
        }
        else
        {
            var min = lower is { } l ? new StoredDocument(l) : _byId.Min;
            var max = upper is { } u ? new StoredDocument(u) : _byId.Max;
            if (min is null || max is null || IdOrder.Instance.Compare(min, max) > 0)
            {
                return [];
            }

            view = _byId.GetViewBetween(min, max);
        }

        return descending ? view.Reverse() : view;
    }

    /// <summary>Capped collections in insertion order, after a record id.</summary>
    public IEnumerable<StoredDocument> InsertionOrder(long afterRecordId)
    {
        Debug.Assert(_byRecord is not null, "only capped collections keep insertion order");
        foreach (var pair in _byRecord)
        {
            if (pair.Key > afterRecordId)
            {
                yield return pair.Value;
            }
        }
    }

    /// <summary>Inserts one document; the caller holds the lock. Throws CommandException for a bad or duplicate document.</summary>
    public StoredDocument Insert(RawDocument document)
    {
        _writeBlock.Check(Namespace);
        var prepared = DocumentPreparation.ForInsert(document);
        var id = prepared.TryGetFirst(out var first) ? first.Value : throw new InvalidOperationException("prepared document has no _id");
        if (FindById(id) is not null)
        {
            throw DuplicateId(id);
        }

        var stored = new StoredDocument(prepared, id, _nextRecordId++);
        var keys = ComputeUniqueKeys(stored.Document, replacing: null);
        _byId.Add(stored);
        AddUniqueKeys(stored, keys);
        _byRecord?.Add(stored.RecordId, stored);
        DataSize += stored.Size;
        RecordChange("insert", stored.Id, stored.Document, preImage: null);
        EnforceCappedLimits();
        return stored;
    }

    /// <summary>Replaces a stored document with new bytes (same _id); the caller holds the lock.</summary>
    public StoredDocument Replace(StoredDocument existing, RawDocument replacement, bool isReplacement)
    {
        _writeBlock.Check(Namespace);
        if (replacement.Length > MaxDocumentSize)
        {
            throw new CommandException(ServerErrorCode.BsonObjectTooLarge, $"Resulting document after update is larger than {MaxDocumentSize}");
        }

        var stored = new StoredDocument(replacement, existing.Id, existing.RecordId);
        var keys = ComputeUniqueKeys(stored.Document, replacing: existing);
        RemoveUniqueKeys(existing);
        _byId.Remove(existing);
        _byId.Add(stored);
        AddUniqueKeys(stored, keys);
        if (_byRecord is not null)
        {
            _byRecord[stored.RecordId] = stored;
        }

        DataSize += stored.Size - existing.Size;
        RecordChange(isReplacement ? "replace" : "update", stored.Id, stored.Document, existing.Document);
        return stored;
    }

    /// <summary>Removes a stored document; the caller holds the lock.</summary>
    public void Delete(StoredDocument existing)
    {
        _writeBlock.Check(Namespace);
        Remove(existing);
    }

    /// <summary>Removes a document the TTL monitor found expired: not a user write, so a user write block does not stop it.</summary>
    public void DeleteExpired(StoredDocument existing) => Remove(existing);

    private void Remove(StoredDocument existing)
    {
        if (!_byId.Remove(existing))
        {
            return;
        }

        RemoveUniqueKeys(existing);
        _byRecord?.Remove(existing.RecordId);
        DataSize -= existing.Size;
        RecordChange("delete", existing.Id, postImage: null, existing.Document);
    }

    /// <summary>Adds an index; existing documents must satisfy it if it is unique. Returns false when an identical index exists.</summary>
    public bool AddIndex(IndexDefinition index)
    {
        _writeBlock.Check(Namespace);
        if (IndexComparison.AlreadyExists(_indexes, index))
        {
            return false;
        }

        if (index.PrepareUnique && !index.Unique && !index.IsIdIndex)
        {
            _uniqueIndexes.Add(UniqueIndex.Over(index, _byId));
        }
        else if (index.Unique && !index.IsIdIndex)
        {
            var unique = new UniqueIndex(index);
            foreach (var stored in _byId)
            {
                foreach (var key in unique.KeysOf(stored.Document))
                {
                    if (unique.TryGetOwner(key, out var owner) && !ReferenceEquals(owner, stored))
                    {
                        throw new DuplicateKeyException(Namespace, index.Name, index.KeyPattern, key);
                    }

                    unique.Add(key, stored);
                }
            }

            _uniqueIndexes.Add(unique);
        }

        _indexes.Add(index);
        RecordDdl("createIndexes", IndexesDescription(index));
        return true;
    }

    /// <summary>collMod: applies the options the sandbox keeps (changeStreamPreAndPostImages) and records a modify event.</summary>
    public void Modify(RawDocument operationDescription)
    {
        _writeBlock.Check(Namespace);
        if (operationDescription.TryGetValue("changeStreamPreAndPostImages", out _))
        {
            ChangeStreamPreAndPostImages = PreAndPostImagesEnabled(operationDescription);
        }

        // The options listCollections shows take the new values; the validator follows them.
        var options = new BsonBuilder().StartDocument();
        foreach (var element in Options)
        {
            if (!operationDescription.TryGetValue(element.Utf8Name.Span, out _))
            {
                options.Element(element);
            }
        }

        foreach (var element in operationDescription)
        {
            if (element.Name != "index")
            {
                options.Element(element);
            }
        }

        Options = options.End().ToDocument();
        Validation = DocumentValidation.From(Options);

        RecordDdl("modify", operationDescription);
    }

    /// <summary>
    /// Puts a changed definition (collMod) in place of the index of the same name; a unique or prepareUnique one then
    /// refuses new duplicates. Returns the index's key owners, duplicates kept, for a conversion to check.
    /// </summary>
    public UniqueIndex? ReplaceIndex(IndexDefinition replacement)
    {
        _indexes[_indexes.FindIndex(i => i.Name == replacement.Name)] = replacement;
        _uniqueIndexes.RemoveAll(u => u.Definition.Name == replacement.Name);
        if (replacement.IsIdIndex || !(replacement.Unique || replacement.PrepareUnique))
        {
            return null;
        }

        var unique = UniqueIndex.Over(replacement, _byId);
        _uniqueIndexes.Add(unique);
        return unique;
    }

    /// <summary>Whether {changeStreamPreAndPostImages: {enabled: true}} is among the options.</summary>
    public static bool PreAndPostImagesEnabled(RawDocument options) =>
        options.TryGetValue("changeStreamPreAndPostImages", out var images)
        && images.Type == BsonTypeCode.Document
        && images.AsDocument.TryGetValue("enabled", out var enabled)
        && enabled.IsTruthy;

    private static RawDocument IndexesDescription(IndexDefinition index) =>
        new BsonBuilder().StartDocument().StartArray("indexes").Document("0", index.Specification).End().End().ToDocument();

    private void RecordDdl(string operationType, RawDocument description) =>
        _observer.OnChange(new StorageChange
        {
            OperationType = operationType,
            Namespace = Namespace,
            CollectionUuid = Uuid,
            OperationDescription = description,
        });

    /// <summary>Removes an index by name; the _id index cannot be dropped.</summary>
    public void DropIndex(string name)
    {
        _writeBlock.Check(Namespace);
        if (name == "_id_")
        {
            throw new CommandException(ServerErrorCode.InvalidOptions, "cannot drop _id index");
        }

        var index = _indexes.FindIndex(i => i.Name == name);
        if (index < 0)
        {
            throw new CommandException(ServerErrorCode.IndexNotFound, $"index not found with name [{name}]");
        }

        var dropped = _indexes[index];
        _indexes.RemoveAt(index);
        _uniqueIndexes.RemoveAll(u => u.Definition.Name == name);
        RecordDdl("dropIndexes", IndexesDescription(dropped));
    }

    public void MarkDropped()
    {
        IsDropped = true;
        _byId.Clear();
        _byRecord?.Clear();
        foreach (var unique in _uniqueIndexes)
        {
            unique.Clear();
        }

        DataSize = 0;
    }

    public void Rename(Namespace target) => Namespace = target;

    private List<(UniqueIndex Index, List<RawDocument> Keys)>? ComputeUniqueKeys(RawDocument document, StoredDocument? replacing)
    {
        if (_uniqueIndexes.Count == 0)
        {
            return null;
        }

        var result = new List<(UniqueIndex, List<RawDocument>)>(_uniqueIndexes.Count);
        foreach (var unique in _uniqueIndexes)
        {
            var keys = unique.KeysOf(document);
            foreach (var key in keys)
            {
                if (unique.OtherOwner(key, replacing) is not null)
                {
                    throw new DuplicateKeyException(Namespace, unique.Definition.Name, unique.Definition.KeyPattern, key);
                }
            }

            result.Add((unique, keys));
        }

        return result;
    }

    private static void AddUniqueKeys(StoredDocument stored, List<(UniqueIndex Index, List<RawDocument> Keys)>? keys)
    {
        if (keys is null)
        {
            return;
        }

        foreach (var (index, list) in keys)
        {
            foreach (var key in list)
            {
                index.Add(key, stored);
            }
        }
    }

    private void RemoveUniqueKeys(StoredDocument stored)
    {
        foreach (var unique in _uniqueIndexes)
        {
            foreach (var key in unique.KeysOf(stored.Document))
            {
                unique.Remove(key, stored);
            }
        }
    }

    private DuplicateKeyException DuplicateId(RawBsonValue id)
    {
        var key = new BsonBuilder().StartDocument().Value("_id", id).End().ToDocument();
        return new DuplicateKeyException(Namespace, "_id_", IndexDefinition.IdIndex.KeyPattern, key);
    }

    private void EnforceCappedLimits()
    {
        if (_byRecord is null)
        {
            return;
        }

        while (_byRecord.Count > 1 && (DataSize > CappedMaxBytes || (CappedMaxDocuments is { } max && _byRecord.Count > max)))
        {
            var oldest = _byRecord.First().Value;
            Delete(oldest);
        }
    }

    private void RecordChange(string operationType, RawBsonValue id, RawDocument? postImage, RawDocument? preImage) =>
        _observer.OnChange(new StorageChange
        {
            OperationType = operationType,
            Namespace = Namespace,
            CollectionUuid = Uuid,
            DocumentId = id,
            PostImage = postImage,
            PreImage = preImage,
            ImagesEnabled = ChangeStreamPreAndPostImages,
        });

    /// <summary>A fresh ObjectId for documents inserted without an _id.</summary>
    public static ObjectId NewObjectId() => ObjectId.GenerateNewId();
}
