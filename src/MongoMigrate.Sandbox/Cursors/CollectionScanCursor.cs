using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Cursors;

/// <summary>
/// A find over a collection in _id order (or insertion order for capped collections), batch by batch.
/// Each batch re-seeks the _id index after the last _id returned, so concurrent writes never break the
/// scan, as a WiredTiger cursor restored after yielding behaves.
/// </summary>
internal sealed class CollectionScanCursor : ServerCursor
{
    private readonly Catalog _catalog;
    private readonly ScanPlan _plan;
    private RawBsonValue? _lastId;
    private long _lastRecordId;
    private long _skipped;
    private long _returned;

    public CollectionScanCursor(Catalog catalog, Namespace ns, ScanPlan plan)
        : base(ns)
    {
        _catalog = catalog;
        _plan = plan;
    }

    public override ValueTask<CursorBatch> NextBatchAsync(BatchLimits limits, CancellationToken cancellationToken)
    {
        var batch = new List<RawDocument>();
        var exhausted = _catalog.Read(Namespace, store =>
        {
            if (store is null)
            {
                return true;
            }

            long bytes = 0;
            foreach (var stored in Candidates(store))
            {
                if (_plan.Limit > 0 && _returned >= _plan.Limit)
                {
                    return true;
                }

                if (!_plan.Matches(stored.Document))
                {
                    Advance(stored);
                    continue;
                }

                if (_skipped < _plan.Skip)
                {
                    _skipped++;
                    Advance(stored);
                    continue;
                }

                var output = _plan.Project(stored.Document);
                if (limits.IsFull(batch.Count, bytes, output.Length))
                {
                    return false;
                }

                batch.Add(output);
                bytes += output.Length;
                _returned++;
                Advance(stored);
            }

            return true;
        });

        return ValueTask.FromResult(new CursorBatch(batch, exhausted || (_plan.Limit > 0 && _returned >= _plan.Limit)));
    }

    private void Advance(StoredDocument stored)
    {
        _lastId = stored.Id;
        _lastRecordId = stored.RecordId;
    }

    private IEnumerable<StoredDocument> Candidates(CollectionStore store)
    {
        if (store.IsCapped && _plan.NaturalOrder)
        {
            return store.InsertionOrder(_lastRecordId);
        }

        if (_plan.PointIds is { } points)
        {
            return Points(store, points);
        }

        var lower = _plan.Lower;
        var upper = _plan.Upper;
        if (_lastId is { } last)
        {
            // Resume just after the last document returned; the equal one is skipped below.
            if (_plan.Descending)
            {
                upper = last;
            }
            else
            {
                lower = last;
            }
        }

        return SkipLast(store.Range(lower, upper, _plan.Descending));
    }

    private IEnumerable<StoredDocument> SkipLast(IEnumerable<StoredDocument> range)
    {
        foreach (var stored in range)
        {
            if (_lastId is { } last && BsonOrder.CompareValues(stored.Id, last) == 0)
            {
                continue;
            }

            yield return stored;
        }
    }

    private IEnumerable<StoredDocument> Points(CollectionStore store, IReadOnlyList<RawBsonValue> points)
    {
        foreach (var id in points)
        {
            if (_lastId is { } last && BsonOrder.CompareValues(id, last) * (_plan.Descending ? -1 : 1) <= 0)
            {
                continue;
            }

            if (store.FindById(id) is { } stored)
            {
                yield return stored;
            }
        }
    }
}
