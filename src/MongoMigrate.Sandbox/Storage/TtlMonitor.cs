using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// The TTL monitor, as mongod runs it every ttlMonitorSleepSecs (60 s): each pass deletes the documents whose TTL
/// index field holds a date (the earliest, for an array of dates) older than now minus the index's expireAfterSeconds,
/// within its partial filter. Documents without a date there never expire. The deletes are the server's own writes:
/// they show in change streams as deletes and go on while user writes are blocked.
/// </summary>
internal sealed class TtlMonitor(Catalog catalog, TimeProvider time)
{
    /// <summary>Runs one pass; returns how many documents it deleted.</summary>
    public int Pass()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var deleted = 0;
        foreach (var database in catalog.DatabaseNames())
        {
            foreach (var (store, kind) in catalog.Collections(database))
            {
                if (kind == CollectionKind.Collection)
                {
                    deleted += Expire(store, now);
                }
            }
        }

        return deleted;
    }

    private static int Expire(CollectionStore store, long now)
    {
        using (store.SyncRoot.EnterScope())
        {
            if (store.IsDropped)
            {
                return 0;
            }

            var expired = new List<StoredDocument>();
            foreach (var index in store.Indexes)
            {
                if (index.ExpireAfterSeconds is not { } seconds || !index.KeyPattern.TryGetFirst(out var key))
                {
                    continue;
                }

                var field = FieldPath.Parse(key.Name);
                var filter = index.PartialFilter is { } partial ? QueryFilter.Compile(partial) : null;
                var cutoff = now - (long)(seconds * 1000);
                expired.AddRange(store.Range(null, null, descending: false)
                    .Where(d => (filter is null || filter.Matches(d.Document)) && EarliestDate(field, d.Document) is { } date && date <= cutoff));
            }

            var removed = 0;
            foreach (var document in expired.Distinct())
            {
                if (store.FindById(document.Id) is { } current && ReferenceEquals(current, document))
                {
                    store.DeleteExpired(document);
                    removed++;
                }
            }

            return removed;
        }
    }

    /// <summary>The earliest date at the field (milliseconds since the epoch), or null when it holds none.</summary>
    private static long? EarliestDate(FieldPath field, RawDocument document)
    {
        long? earliest = null;
        foreach (var value in field.Candidates(document))
        {
            if (value.Type == BsonTypeCode.DateTime && (earliest is null || value.AsDateTimeMilliseconds < earliest))
            {
                earliest = value.AsDateTimeMilliseconds;
            }
        }

        return earliest;
    }
}
