using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Updates;

/// <summary>$min and $max: replaces the value when the operand sorts before (or after) it; a missing field is set.</summary>
internal sealed class MinMaxModifier(bool max, RawBsonValue operand) : ModifierNode
{
    protected override void ApplyExisting(DocumentNode container, int index, string name, string path, ApplyState state)
    {
        var c = BsonOrder.CompareValues(operand, container.ValueAt(index).ToRaw());
        if (max ? c > 0 : c < 0)
        {
            container.SetAt(index, operand);
        }
    }

    protected override void ApplyMissing(DocumentNode container, string name, string path, ApplyState state) =>
        AddNew(container, name, operand);
}
