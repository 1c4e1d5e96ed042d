using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>Shared plumbing of the array modifiers: read the elements, write a new array only when it differs.</summary>
internal abstract class ArrayModifier : ModifierNode
{
    protected static List<RawBsonValue> Elements(NodeValue value)
    {
        var raw = value.ToRaw();
        return raw.AsDocument.Values();
    }

    protected static void Replace(DocumentNode container, int index, List<RawBsonValue> before, List<RawBsonValue> after)
    {
        if (before.Count == after.Count)
        {
            var same = true;
            for (var i = 0; i < before.Count && same; i++)
            {
                same = BsonValues.BinaryEquals(before[i], after[i]);
            }

            if (same)
            {
                return;
            }
        }

        container.SetAt(index, BsonValues.Array(after));
    }
}

/// <summary>$push with $each, $position, $sort and $slice.</summary>
internal sealed class PushModifier(IReadOnlyList<RawBsonValue> values, int? position, int? slice, PushSort? sort) : ArrayModifier
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var current = container.ValueAt(index);
        if (current.Type != BsonTypeCode.Array)
        {
            throw new CommandException(
                ServerErrorCode.BadValue,
                $"The field '{name}' must be an array but is of type {BsonValues.TypeName(current.Type)} in document {state.IdDocument}");
        }

        var before = Elements(current);
        Replace(container, index, before, Push(before));
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state) =>
        AddNew(container, name, BsonValues.Array(Push([])));

    private List<RawBsonValue> Push(List<RawBsonValue> before)
    {
        var items = new List<RawBsonValue>(before);
        var at = items.Count;
        if (position is { } p)
        {
            at = p < 0 ? Math.Max(0, items.Count + p) : Math.Min(p, items.Count);
        }

        items.InsertRange(at, values);
        if (sort is not null)
        {
            items = sort.Sort(items);
        }

        if (slice is { } s)
        {
            items = s >= 0
                ? items.GetRange(0, Math.Min(s, items.Count))
                : items.GetRange(Math.Max(0, items.Count + s), Math.Min(items.Count, -s));
        }

        return items;
    }
}

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

/// <summary>$addToSet: appends the values not already present (MongoDB equality: 1 equals 1.0).</summary>
internal sealed class AddToSetModifier(IReadOnlyList<RawBsonValue> values) : ArrayModifier
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var current = container.ValueAt(index);
        if (current.Type != BsonTypeCode.Array)
        {
            throw new CommandException(
                ServerErrorCode.BadValue,
                $"Cannot apply $addToSet to non-array field. Field named '{name}' has non-array type {BsonValues.TypeName(current.Type)}");
        }

        var before = Elements(current);
        Replace(container, index, before, Add(before));
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state) =>
        AddNew(container, name, BsonValues.Array(Add([])));

    private List<RawBsonValue> Add(List<RawBsonValue> before)
    {
        var items = new List<RawBsonValue>(before);
        foreach (var value in values)
        {
            if (!items.Any(existing => BsonOrder.CompareValues(existing, value) == 0))
            {
                items.Add(value);
            }
        }

        return items;
    }
}

/// <summary>$pop: removes the first (-1) or last (1) element.</summary>
internal sealed class PopModifier(bool first) : ArrayModifier
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var current = container.ValueAt(index);
        if (current.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.TypeMismatch, $"Path '{path}' contains an element of non-array type '{BsonValues.TypeName(current.Type)}'");
        }

        var before = Elements(current);
        if (before.Count == 0)
        {
            return;
        }

        var after = new List<RawBsonValue>(before);
        after.RemoveAt(first ? 0 : after.Count - 1);
        Replace(container, index, before, after);
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state)
    {
    }
}

/// <summary>$pull and $pullAll: removes every element the condition accepts.</summary>
internal sealed class PullModifier(Func<RawBsonValue, bool> condition, string operatorName) : ArrayModifier
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var current = container.ValueAt(index);
        if (current.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"Cannot apply {operatorName} to a non-array value");
        }

        var before = Elements(current);
        var after = before.Where(v => !condition(v)).ToList();
        Replace(container, index, before, after);
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state)
    {
    }
}
