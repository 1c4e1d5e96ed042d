using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

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
            if (!Contains(items, value))
            {
                items.Add(value);
            }
        }

        return items;
    }
}
