using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// The server's databases and collections. Its own lock guards only the name tables; a collection's
/// contents are guarded by that collection's lock, taken after this one is released.
/// </summary>
internal sealed class Catalog(IStorageObserver observer, UserWriteBlock writeBlock)
{
    /// <summary>setUserWriteBlockMode's state, checked by every write and DDL change.</summary>
    public UserWriteBlock WriteBlock => writeBlock;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, CollectionStore>> _databases = new(StringComparer.Ordinal);
    private readonly Dictionary<CollectionStore, CollectionKind> _kinds = [];

    public CollectionStore? Find(Namespace ns)
    {
        lock (_lock)
        {
            return _databases.TryGetValue(ns.Database, out var db) && db.TryGetValue(ns.Collection, out var store) ? store : null;
        }
    }

    /// <summary>
    /// For a view, the collection it reads and the stages to run over it (views over views flattened);
    /// null when <paramref name="ns"/> is not a view.
    /// </summary>
    public (Namespace Source, List<RawDocument> Pipeline)? ResolveView(Namespace ns)
    {
        var stages = new List<RawDocument>();
        var current = ns;
        for (var depth = 0; depth < 20; depth++)
        {
            CollectionStore? store;
            lock (_lock)
            {
                store = _databases.TryGetValue(current.Database, out var db) && db.TryGetValue(current.Collection, out var found) ? found : null;
                if (store is null || _kinds.GetValueOrDefault(store) != CollectionKind.View)
                {
                    return depth == 0 ? null : (current, stages);
                }
            }

            var options = store.Options;
            var viewOn = options.TryGetValue("viewOn", out var on) && on.Type == BsonTypeCode.String ? on.AsString : string.Empty;
            if (options.TryGetValue("pipeline", out var pipeline) && pipeline.Type == BsonTypeCode.Array)
            {
                stages.InsertRange(0, pipeline.AsDocument.Values().Select(v => v.AsDocument));
            }

            current = new Namespace(current.Database, viewOn);
        }

        throw new CommandException(ServerErrorCode.BadValue, $"View depth too deep or view cycle detected for {ns.FullName}");
    }

    public CollectionKind KindOf(CollectionStore store)
    {
        lock (_lock)
        {
            return _kinds.GetValueOrDefault(store);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> under the collection's lock, creating the collection first if needed
    /// (writes create collections implicitly). Retries if the collection is dropped in between.
    /// </summary>
    public T Write<T>(Namespace ns, Func<CollectionStore, T> action)
    {
        while (true)
        {
            var store = GetOrCreate(ns);
            using (store.SyncRoot.EnterScope())
            {
                if (!store.IsDropped)
                {
                    return action(store);
                }
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> under the collection's lock if it exists; otherwise with null.</summary>
    public T Read<T>(Namespace ns, Func<CollectionStore?, T> action)
    {
        var store = Find(ns);
        if (store is null)
        {
            return action(null);
        }

        using (store.SyncRoot.EnterScope())
        {
            return action(store.IsDropped ? null : store);
        }
    }

    public CollectionStore GetOrCreate(Namespace ns)
    {
        lock (_lock)
        {
            if (_databases.TryGetValue(ns.Database, out var db) && db.TryGetValue(ns.Collection, out var existing))
            {
                if (_kinds.GetValueOrDefault(existing) == CollectionKind.View)
                {
                    throw new CommandException(ServerErrorCode.CommandNotSupportedOnView, $"Namespace {ns.FullName} is a view, not a collection");
                }

                return existing;
            }

            return AddLocked(ns, RawDocument.Empty, CollectionKind.Collection);
        }
    }

    /// <summary>Creates a collection, view or time-series collection explicitly; NamespaceExists if the name is taken.</summary>
    public CollectionStore Create(Namespace ns, RawDocument options, CollectionKind kind)
    {
        lock (_lock)
        {
            if (_databases.TryGetValue(ns.Database, out var db) && db.TryGetValue(ns.Collection, out var existing))
            {
                // Creating an identical collection again is allowed, as on the server.
                if (existing.Options.Equals(options) && _kinds.GetValueOrDefault(existing) == kind)
                {
                    return existing;
                }

                throw new CommandException(ServerErrorCode.NamespaceExists, $"Collection {ns.FullName} already exists.");
            }

            return AddLocked(ns, options, kind);
        }
    }

    public bool Drop(Namespace ns)
    {
        writeBlock.Check(ns);
        CollectionStore? store;
        lock (_lock)
        {
            if (!_databases.TryGetValue(ns.Database, out var db) || !db.Remove(ns.Collection, out store))
            {
                return false;
            }

            _kinds.Remove(store);
            if (db.Count == 0)
            {
                _databases.Remove(ns.Database);
            }
        }

        using (store.SyncRoot.EnterScope())
        {
            store.MarkDropped();
            RecordCatalogChange("drop", ns, store.Uuid, null);
        }

        return true;
    }

    public void DropDatabase(string database)
    {
        writeBlock.Check(new Namespace(database, string.Empty));
        List<string> names;
        lock (_lock)
        {
            names = _databases.TryGetValue(database, out var db) ? [.. db.Keys] : [];
        }

        // A database without collections does not exist: dropping it writes nothing, as on mongod.
        if (names.Count == 0)
        {
            return;
        }

        foreach (var name in names)
        {
            Drop(new Namespace(database, name));
        }

        RecordCatalogChange("dropDatabase", new Namespace(database, string.Empty), Guid.Empty, null);
    }

    /// <summary>
    /// Renames a collection; the target must not exist unless <paramref name="dropTarget"/>. As on the
    /// server, one rename event records it, with the dropped target's UUID as operationDescription.dropTarget.
    /// </summary>
    public void Rename(Namespace source, Namespace target, bool dropTarget)
    {
        writeBlock.Check(source);
        writeBlock.Check(target);
        CollectionStore store;
        CollectionStore? replaced = null;
        lock (_lock)
        {
            if (!_databases.TryGetValue(source.Database, out var db) || !db.TryGetValue(source.Collection, out store!))
            {
                throw new CommandException(ServerErrorCode.NamespaceNotFound, "source namespace does not exist");
            }

            if (_databases.TryGetValue(target.Database, out var targetDb) && targetDb.TryGetValue(target.Collection, out var existing))
            {
                if (!dropTarget)
                {
                    throw new CommandException(ServerErrorCode.NamespaceExists, "target namespace exists");
                }

                targetDb.Remove(target.Collection);
                _kinds.Remove(existing);
                replaced = existing;
            }

            db.Remove(source.Collection);
            if (db.Count == 0)
            {
                _databases.Remove(source.Database);
            }

            if (!_databases.TryGetValue(target.Database, out targetDb))
            {
                targetDb = new Dictionary<string, CollectionStore>(StringComparer.Ordinal);
                _databases[target.Database] = targetDb;
            }

            targetDb[target.Collection] = store;
        }

        if (replaced is not null)
        {
            using (replaced.SyncRoot.EnterScope())
            {
                replaced.MarkDropped();
            }
        }

        var description = new BsonBuilder().StartDocument().StartDocument("to").String("db", target.Database).String("coll", target.Collection).End();
        if (replaced is not null)
        {
            description.Binary("dropTarget", 4, replaced.Uuid.ToByteArray(bigEndian: true));
        }

        using (store.SyncRoot.EnterScope())
        {
            store.Rename(target);
            RecordCatalogChange("rename", source, store.Uuid, target, description.End().ToDocument());
        }
    }

    public List<string> DatabaseNames()
    {
        lock (_lock)
        {
            return [.. _databases.Keys.Order(StringComparer.Ordinal)];
        }
    }

    public List<(CollectionStore Store, CollectionKind Kind)> Collections(string database)
    {
        lock (_lock)
        {
            return _databases.TryGetValue(database, out var db)
                ? [.. db.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Value, _kinds.GetValueOrDefault(p.Value)))]
                : [];
        }
    }

    private CollectionStore AddLocked(Namespace ns, RawDocument options, CollectionKind kind)
    {
        writeBlock.Check(ns);
        if (!_databases.TryGetValue(ns.Database, out var db))
        {
            db = new Dictionary<string, CollectionStore>(StringComparer.Ordinal);
            _databases[ns.Database] = db;
        }

        var store = new CollectionStore(ns, options, observer, writeBlock);
        db[ns.Collection] = store;
        _kinds[store] = kind;

        // The create event: a view shows its definition, a collection its options and _id index.
        var description = new BsonBuilder().StartDocument();
        foreach (var option in options)
        {
            description.Element(option);
        }

        if (kind != CollectionKind.View)
        {
            description.Document("idIndex", IndexDefinition.IdIndex.Specification);
        }

        RecordCatalogChange("create", ns, store.Uuid, null, description.End().ToDocument(), isView: kind == CollectionKind.View);
        return store;
    }

    private void RecordCatalogChange(string operationType, Namespace ns, Guid uuid, Namespace? renameTarget, RawDocument? description = null, bool isView = false) =>
        observer.OnChange(new StorageChange
        {
            OperationType = operationType,
            Namespace = ns,
            CollectionUuid = uuid,
            RenameTarget = renameTarget,
            OperationDescription = description,
            IsView = isView,
        });
}
