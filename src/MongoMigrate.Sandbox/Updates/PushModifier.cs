using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

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
