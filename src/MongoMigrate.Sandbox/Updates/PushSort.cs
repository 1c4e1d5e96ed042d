using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>The $sort of $push: whole elements (1/-1) or by fields of element documents.</summary>
internal sealed class PushSort(int direction, SortSpecification? byFields)
{
    public List<RawBsonValue> Sort(List<RawBsonValue> items)
    {
        if (byFields is null)
        {
            var indexed = items.Select((v, i) => (v, i)).ToArray();
            Array.Sort(indexed, (l, r) =>
            {
                var c = BsonOrder.CompareValues(l.v, r.v) * direction;
                return c != 0 ? c : l.i.CompareTo(r.i);
            });
            return indexed.Select(x => x.v).ToList();
        }

        var documents = items.Select(v => v.Type == BsonTypeCode.Document ? v.AsDocument : RawDocument.Empty).ToList();
        var order = Enumerable.Range(0, items.Count).ToArray();
        var keys = documents.Select(byFields.GetSortKey).ToArray();
        Array.Sort(order, (l, r) =>
        {
            var c = byFields.CompareKeys(keys[l], keys[r]);
            return c != 0 ? c : l.CompareTo(r);
        });
        return order.Select(i => items[i]).ToList();
    }
}
