using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Oplog;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>The size and count figures of a collection, as collStats and $collStats storageStats report them.</summary>
internal static class CollectionStatistics
{
    /// <summary>Rough per-entry index overhead, so totalIndexSize is not zero.</summary>
    private const int IndexEntryBytes = 32;

    /// <summary>
    /// The figures of a collection, or of local.oplog.rs as the change log stands: capped at --oplog-size, its size the
    /// bytes the log keeps, its count the entries (what rs.printReplicationInfo() reads as logSizeMB and usedMB).
    /// </summary>
    public static void Write(BsonBuilder reply, ServerContext server, Namespace ns, CollectionStore? store)
    {
        if (store is not null || ns is not { Database: OplogView.Database, Collection: OplogView.Collection })
        {
            Write(reply, ns, store);
            return;
        }

        var size = server.ChangeLog.RetainedBytes;
        var count = server.ChangeLog.LastSequence - server.ChangeLog.OldestSequence + 1;
        reply.String("ns", ns.FullName)
            .Int64("size", size)
            .Int64("count", count)
            .Int64("avgObjSize", count <= 0 ? 0 : size / count)
            .Int64("storageSize", size)
            .Int64("freeStorageSize", 0)
            .Boolean("capped", true)
            .Int64("maxSize", server.Options.ChangeLogMaxBytes)
            .Int32("nindexes", 0)
            .Int64("totalIndexSize", 0)
            .Int64("totalSize", size)
            .StartDocument("indexSizes").End()
            .Int32("scaleFactor", 1);
    }

    public static void Write(BsonBuilder reply, Namespace ns, CollectionStore? store)
    {
        var count = store?.Count ?? 0;
        var size = store?.DataSize ?? 0;
        var indexes = store?.Indexes ?? [];
        var indexSize = (long)count * IndexEntryBytes;
        reply.String("ns", ns.FullName)
            .Int64("size", size)
            .Int64("count", count)
            .Int64("avgObjSize", count == 0 ? 0 : size / count)
            .Int64("storageSize", size)
            .Int64("freeStorageSize", 0)
            .Boolean("capped", store?.IsCapped ?? false);
        if (store?.IsCapped == true)
        {
            reply.Int64("maxSize", store.CappedMaxBytes ?? 0);
            if (store.CappedMaxDocuments is { } max)
            {
                reply.Int64("max", max);
            }
        }

        reply.Int32("nindexes", indexes.Count)
            .Int64("totalIndexSize", indexSize * indexes.Count)
            .Int64("totalSize", size + (indexSize * indexes.Count))
            .StartDocument("indexSizes");
        foreach (var index in indexes)
        {
            reply.Int64(index.Name, indexSize);
        }

        reply.End().Int32("scaleFactor", 1);
    }
}
