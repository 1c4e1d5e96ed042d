using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Storage;

/// <summary>Answers a filter with a seek on the _id index where it can: points for equality and $in, a range for comparisons.</summary>
internal static class QueryPlanner
{
    /// <summary>The stored documents that match, in _id order; the caller holds the collection's lock.</summary>
    public static IEnumerable<StoredDocument> Matching(CollectionStore store, QueryFilter filter)
    {
        foreach (var stored in Candidates(store, filter))
        {
            if (filter.Matches(stored.Document))
            {
                yield return stored;
            }
        }
    }

    private static IEnumerable<StoredDocument> Candidates(CollectionStore store, QueryFilter filter)
    {
        if (!filter.TryGetIdBounds(out var bounds))
        {
            return store.Range(null, null, descending: false);
        }

        if (bounds.IsEmpty)
        {
            return [];
        }

        return bounds.IsPoints
            ? bounds.Points!.Select(store.FindById).OfType<StoredDocument>()
            : store.Range(bounds.Lower, bounds.Upper, descending: false);
    }
}
